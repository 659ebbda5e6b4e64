package vn.gov.lgsp.hub.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import vn.gov.lgsp.hub.model.DossierUpdate;

/** The update contract (connectors/onestop/contract/dossier-update.schema.json) as the hub checks it. */
class UpdateContractTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOSSIER = "000.00.21.H45-261123-0001";

    private static ObjectNode paymentRequested() {
        ObjectNode d = JSON.createObjectNode().put("custCode", "LG0001000001").put("amount", 75000).put("currency", "VND")
                .put("expiresAt", "2026-11-30T08:15:30+07:00").put("bank", "VietinBank").put("bankBin", "970415")
                .put("account", "113366668888").put("qr", "00020101021238570010A000000727012700069704150113113366668888")
                .put("qrUrl", "https://img.vietqr.io/image/970415-113366668888-compact.png?amount=75000&addInfo=LG0001000001")
                .put("assessmentEventId", "0b9b5c1e-6d7f-4a0e-9c55-8f3d2a7e11aa");
        d.putArray("fees").addObject().put("code", "LPXD").put("name", "Lệ phí").put("amount", 75000).put("paid", false);
        return d;
    }

    @Test
    void aPaymentRequestWithTheContractsFieldsIsValid() {
        DossierUpdate u = DossierUpdates.of("vietinbank:request:LG0001000001:e1", DOSSIER, "PAYMENT_REQUESTED", "vietinbank", paymentRequested());
        assertThat(UpdateContract.violations(u)).isEmpty();
    }

    @Test
    void anUpdateChangedAfterItsCheckIsCheckedAgainWhereItIsPublished() {
        // the publishing side skips what passed the check; a detail changed since then must not slip through
        ObjectNode detail = paymentRequested();
        DossierUpdate u = DossierUpdates.of("vietinbank:request:LG0001000001:e2", DOSSIER, "PAYMENT_REQUESTED", "vietinbank", detail);
        assertThat(UpdateContract.violationsUnlessChecked(u)).isEmpty();
        detail.remove("custCode");
        assertThat(UpdateContract.violationsUnlessChecked(u)).anyMatch(v -> v.contains("custCode"));
        assertThatThrownBy(() -> UpdateContract.check(u)).isInstanceOf(InvalidUpdateException.class);
    }

    @Test
    void thePaymentRequestZaloOnceExpectedIsRefusedNamingTheFields() {
        // the names NotificationIT used to build by hand: paymentCode and qrCodeUrl instead of custCode and qrUrl
        ObjectNode d = paymentRequested();
        d.remove("custCode");
        d.remove("qrUrl");
        d.put("paymentCode", "VTB123456").put("qrCodeUrl", "https://pay.example/qr/VTB123456");
        assertThatThrownBy(() -> DossierUpdates.of("x", DOSSIER, "PAYMENT_REQUESTED", "vietinbank", d))
                .isInstanceOf(InvalidUpdateException.class)
                .isInstanceOf(PartnerRejectedException.class)
                .hasMessageContaining("custCode").hasMessageContaining("qrUrl")
                .hasMessageContaining("paymentCode").hasMessageContaining("qrCodeUrl")
                .satisfies(e -> assertThat(((InvalidUpdateException) e).partnerCode()).isEqualTo("HUB-CONTRACT"));
    }

    @Test
    void wrongTypesAndMissingDetailAreNamedByTheirPointer() {
        ObjectNode d = paymentRequested().put("amount", "75000");
        assertThat(UpdateContract.violations(new DossierUpdate("x", DOSSIER, "PAYMENT_REQUESTED",
                OffsetDateTime.now(), "vietinbank", d))).singleElement().asString().startsWith("/detail/amount: ");
        assertThat(UpdateContract.violations(new DossierUpdate("x", DOSSIER, "PAYMENT_CONFIRMED",
                OffsetDateTime.now(), "vietinbank", null))).anyMatch(v -> v.contains("detail"));
        assertThat(UpdateContract.violations(new DossierUpdate("x", DOSSIER, "SOMETHING_NEW",
                OffsetDateTime.now(), "hub", null))).singleElement().asString().startsWith("/updateType: ");
        assertThat(UpdateContract.violations(new DossierUpdate("", DOSSIER, "PORTAL_SYNCED", OffsetDateTime.now(), "national-portal",
                JSON.createObjectNode().put("status", 11).put("service", "x").put("eventId", "e"))))
                .anyMatch(v -> v.startsWith("/updateId: ")).anyMatch(v -> v.startsWith("/detail/status: "));
    }

    @Test
    void theDeadLetterUpdateOfTheWorkerKeepsTheContract() {
        // PartnerWorker makes it when work becomes a dead letter: it must never be refused itself
        ObjectNode detail = JSON.createObjectNode().put("partner", "zalo").put("workId", "w1").putNull("messageType").put("reason", "r");
        assertThat(UpdateContract.violations(DossierUpdates.of("failed:w1", DOSSIER, "INTEGRATION_FAILED", "zalo", detail))).isEmpty();
    }

    @Test
    void theAgenciesUpdatesHaveTheirOwnDetail() {
        assertThatThrownBy(() -> DossierUpdates.of("police:1", DOSSIER, "IDENTITY_VERIFIED", "police",
                JSON.createObjectNode().put("anything", 1))).isInstanceOf(InvalidUpdateException.class).hasMessageContaining("requestId");
        ObjectNode mismatch = JSON.createObjectNode().put("requestId", "e1:police").put("result", "MISMATCH");
        mismatch.putArray("mismatchedFields").add("DATE_OF_BIRTH");
        assertThat(UpdateContract.violations(DossierUpdates.of("police:2", DOSSIER, "IDENTITY_MISMATCH", "police", mismatch))).isEmpty();
        ObjectNode match = JSON.createObjectNode().put("requestId", "e2:police").put("result", "MATCH");
        match.putArray("mismatchedFields");
        assertThat(UpdateContract.violations(DossierUpdates.of("police:3", DOSSIER, "IDENTITY_VERIFIED", "police", match))).isEmpty();
        // the type alone tells a match from a mismatch (the contract's IDENTITY_VERIFIED / IDENTITY_MISMATCH)
        assertThatThrownBy(() -> DossierUpdates.of("police:4", DOSSIER, "IDENTITY_VERIFIED", "police", mismatch))
                .isInstanceOf(InvalidUpdateException.class).hasMessageContaining("result");
        assertThatThrownBy(() -> DossierUpdates.of("police:5", DOSSIER, "IDENTITY_MISMATCH", "police", match))
                .isInstanceOf(InvalidUpdateException.class).hasMessageContaining("result");
    }

    @Test
    void theTreeCheckedIsTheTreeTheHubsMapperMakesOfTheUpdate() {
        // the mapper the updates are published with (JavaTimeModule, dates as ISO text)
        ObjectMapper mapper = new ObjectMapper().registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
                .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        OffsetDateTime onTheMinute = OffsetDateTime.parse("2026-12-04T08:15:00+07:00");
        OffsetDateTime withNanos = OffsetDateTime.parse("2026-12-04T08:15:30.123456789+07:00");
        for (DossierUpdate u : List.of(
                new DossierUpdate("vietinbank:request:1", DOSSIER, "PAYMENT_REQUESTED", onTheMinute, "vietinbank", paymentRequested()),
                new DossierUpdate("portal:e1", DOSSIER, "PORTAL_SYNCED", withNanos, "national-portal",
                        JSON.createObjectNode().put("status", 4).put("service", "DongBoHoSoMC").put("eventId", "e1")),
                new DossierUpdate(null, null, "CITIZEN_NOTIFIED", null, "zalo", null))) {
            assertThat(UpdateContract.treeOf(u)).as(u.updateType()).isEqualTo(mapper.valueToTree(u));
        }
    }
}
