package vn.gov.lgsp.connector.zalo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;
import vn.gov.lgsp.connector.vnpost.OrderPurpose;
import vn.gov.lgsp.connector.vnpost.VnpostOrderStore.OrderRow;
import vn.gov.lgsp.connector.vnpost.VnpostStatusMapping;
import vn.gov.lgsp.connector.vnpost.VnpostTracking;
import vn.gov.lgsp.connector.vnpost.dto.StatusRecord;
import vn.gov.lgsp.hub.model.DossierUpdate;
import vn.gov.lgsp.hub.work.DossierUpdates;

/** Contract test, consumer side: the tracking number of VNPost's real postal status updates reaches the citizen's facts. */
class PostalUpdatesContractTest {
    private final ObjectNode dossier = new DossierEventFactory(11).newDossier(OffsetDateTime.now(DossierEventFactory.VN));

    private DossierUpdate update(int statusCode) {
        String code = dossier.get("code").asText();
        OrderRow order = new OrderRow(1, code, OrderPurpose.DELIVERY, code + "-KQ", "OPEN", 1, "EB123456789VN", "hdr", "orig",
                0, null, null);
        StatusRecord s = new StatusRecord(statusCode, VnpostStatusMapping.NAMES.get(statusCode), OffsetDateTime.now(DossierEventFactory.VN));
        // as VnpostTracking makes it: the status's update type and its contract detail
        return DossierUpdates.of("vnpost:EB123456789VN:" + statusCode, code, VnpostStatusMapping.updateType(OrderPurpose.DELIVERY, statusCode),
                VnpostTracking.PARTY, VnpostTracking.statusDetail(order, s, "POLL"));
    }

    @Test
    void shippedAndDeliveredResultsGiveTheCitizenTheTrackingNumber() {
        DossierUpdate shipped = update(6);
        DossierUpdate delivered = update(14);
        assertThat(shipped.updateType()).isEqualTo("RESULT_SHIPPED");
        assertThat(delivered.updateType()).isEqualTo("RESULT_DELIVERED");
        for (DossierUpdate u : new DossierUpdate[] {shipped, delivered}) {
            Map<String, String> facts = NotificationFacts.of(dossier, u.detail(), "1900 0000");
            assertThat(facts).containsEntry("trackingCode", "EB123456789VN").doesNotContainKey("paymentCode");
        }
    }
}
