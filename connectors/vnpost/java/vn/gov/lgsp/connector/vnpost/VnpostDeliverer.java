package vn.gov.lgsp.connector.vnpost;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import vn.gov.lgsp.connector.vnpost.VnpostOrderStore.OrderRow;
import vn.gov.lgsp.connector.vnpost.dto.CreateOrderRequest;
import vn.gov.lgsp.connector.vnpost.dto.VnpostOrder;
import vn.gov.lgsp.hub.model.Dossier;
import vn.gov.lgsp.hub.model.DossierEvent;
import vn.gov.lgsp.hub.model.DossierUpdate;
import vn.gov.lgsp.hub.payments.DossierPayments;
import vn.gov.lgsp.hub.work.AcceptedEvents;
import vn.gov.lgsp.hub.work.DossierUpdates;
import vn.gov.lgsp.hub.work.Delivery;
import vn.gov.lgsp.hub.work.PartnerConnector;
import vn.gov.lgsp.hub.work.WorkBatch;
import vn.gov.lgsp.hub.work.WorkItem;

/**
 * Partner "vnpost" work: dossier events become VNPost orders or cancellations.
 *
 * <p><b>Exactly one order per dossier and purpose.</b> The row for (dossier, purpose) is claimed first
 * (unique key), then, under a transaction-scoped advisory lock on the business key:
 * <ul>
 *   <li>an order already recorded: nothing is sent (repeated event, redelivery, a racing hub instance);</li>
 *   <li>a CreateOrder was started before but its result never recorded (crash or timeout after VNPost may have
 *       accepted it): VNPost is asked for the order under our saleOrderCode and, if found, it is adopted;</li>
 *   <li>otherwise the attempt is counted in its own committed transaction and CreateOrder is called.</li>
 * </ul>
 */
@Component
public class VnpostDeliverer implements PartnerConnector {
    private static final Logger log = LoggerFactory.getLogger(VnpostDeliverer.class);

    private final VnpostOrderMapper mapper;
    private final VnpostClient client;
    private final VnpostOrderStore orders;
    private final TransactionTemplate tx;
    /** The events this instance's intake parsed: each is parsed here only when it is not among them. */
    private final AcceptedEvents acceptedEvents;
    private final DossierPayments payments;

    public VnpostDeliverer(VnpostOrderMapper mapper, VnpostClient client, VnpostOrderStore orders, TransactionTemplate tx,
                           AcceptedEvents acceptedEvents, DossierPayments payments) {
        this.payments = payments;
        this.mapper = mapper;
        this.client = client;
        this.orders = orders;
        this.tx = tx;
        this.acceptedEvents = acceptedEvents;
    }

    @Override
    public String partner() {
        return VnpostTracking.PARTY;
    }

    @Override
    public Delivery deliver(WorkItem work, WorkBatch batch) throws Exception {
        String type = work.messageType();
        DossierEvent event = acceptedEvents.parse(work.body());
        return switch (type == null ? "" : type) {
            case "PICKUP_REQUESTED" -> ensureOrder(event, work.workId(), OrderPurpose.PICKUP);
            case "RESULT_READY" -> event.dossier().returnMethod() == Dossier.ReturnMethod.POSTAL
                    ? ensureOrder(event, work.workId(), OrderPurpose.DELIVERY)
                    : Delivery.skipped("result is collected at the counter");
            case "DOSSIER_WITHDRAWN" -> cancelOpenOrders(event, work.workId());
            default -> Delivery.skipped("no VNPost action for " + type);
        };
    }

    private Delivery ensureOrder(DossierEvent event, String workId, OrderPurpose purpose) {
        // cash on delivery = the fees still unpaid after the payments the hub recorded (the core's dossier_payment,
        // written with each bank payment): a dossier paid by transfer is not charged again at the door
        Map<String, Long> settled = purpose == OrderPurpose.DELIVERY ? payments.settledByFee(event.dossierCode()) : Map.of();
        CreateOrderRequest request = purpose == OrderPurpose.PICKUP ? mapper.pickup(event) : mapper.delivery(event, settled);
        String payload = client.toJson(request);
        long cod = purpose == OrderPurpose.DELIVERY ? DossierPayments.outstanding(event.dossier().fees(), settled) : 0;
        String dossier = event.dossierCode();
        String saleOrderCode = purpose.saleOrderCode(dossier);
        orders.claim(dossier, purpose, workId, cod, VnpostOrderStore.CREATING);
        return tx.execute(status -> {
            orders.lock(saleOrderCode);
            OrderRow row = orders.find(dossier, purpose).orElseThrow();
            if (!VnpostOrderStore.CREATING.equals(row.state())) {
                return Delivery.skipped(purpose + " order " + saleOrderCode + " already " + row.state()
                        + (row.itemCode() == null ? "" : " as " + row.itemCode()) + "; not created again");
            }
            VnpostOrder order = row.createAttempts() > 0 ? client.findBySaleOrderCode(saleOrderCode).orElse(null) : null;
            boolean adopted = order != null;
            if (!adopted) {
                orders.markAttempt(row.id(), cod);
                order = client.createOrder(request);
            }
            orders.markCreated(row.id(), order);
            log.info("VNPost {} order for {}: {} (itemCode {})", purpose, dossier, adopted ? "adopted after an earlier attempt" : "created", order.itemCode());
            return Delivery.done((adopted ? "found existing " : "created ") + purpose
                    + " order " + saleOrderCode + ": itemCode=" + order.itemCode() + ", orderHdrID=" + order.orderHdrId()
                    + (!adopted && cod > 0 ? ", COD=" + cod : "")).withPayload(payload);
        });
    }

    /**
     * Cancels the dossier's orders that are not finished. Purposes without an order get a CANCELLED row too, so a
     * pickup or delivery request still waiting in a retry cannot create an order for a withdrawn dossier.
     */
    private Delivery cancelOpenOrders(DossierEvent event, String workId) {
        String dossier = event.dossierCode();
        for (OrderPurpose p : OrderPurpose.values()) orders.claim(dossier, p, workId, 0, VnpostOrderStore.CANCELLED);
        List<DossierUpdate> produced = new ArrayList<>();
        List<String> done = new ArrayList<>();
        for (OrderRow candidate : orders.ofDossier(dossier)) {
            tx.executeWithoutResult(status -> {
                orders.lock(candidate.saleOrderCode());
                OrderRow row = orders.find(dossier, candidate.purpose()).orElseThrow();
                String originalId = row.originalId();
                String itemCode = row.itemCode();
                if (VnpostOrderStore.CREATING.equals(row.state()) && row.createAttempts() > 0) {
                    // an earlier CreateOrder may have reached VNPost: cancel what it created
                    VnpostOrder found = client.findBySaleOrderCode(row.saleOrderCode()).orElse(null);
                    if (found != null) {
                        orders.markCreated(row.id(), found);
                        originalId = found.originalId();
                        itemCode = found.itemCode();
                    }
                }
                boolean live = VnpostOrderStore.OPEN.equals(row.state()) || itemCode != null && VnpostOrderStore.CREATING.equals(row.state());
                if (!live && !VnpostOrderStore.CREATING.equals(row.state())) return; // closed or already cancelled
                if (live) {
                    client.cancel(originalId != null ? originalId : itemCode);
                    produced.add(DossierUpdates.of("vnpost:" + itemCode + ":cancelled", dossier, "POSTAL_ORDER_CANCELLED",
                            VnpostTracking.PARTY, JsonNodeFactory.instance.objectNode().put("itemCode", itemCode)
                                    .put("saleOrderCode", row.saleOrderCode()).put("purpose", row.purpose().name())
                                    .put("reason", "dossier withdrawn")));
                    done.add(row.saleOrderCode() + " (" + itemCode + ")");
                }
                orders.setState(row.id(), VnpostOrderStore.CANCELLED);
            });
        }
        return (done.isEmpty() ? Delivery.skipped("no open VNPost order to cancel")
                : Delivery.done("orderCancel: " + String.join(", ", done))).withUpdates(produced);
    }
}
