package vn.gov.lgsp.connector.nationalportal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import vn.gov.lgsp.connector.nationalportal.simulator.PortalSimulator;
import vn.gov.lgsp.connector.onestop.simulator.DossierEventFactory;
import vn.gov.lgsp.hub.model.DossierEvent;

/** The DongBoHoSoMC record as the spec describes it, for the events whose fields the spec names. */
class PortalMapperTest {
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private final PortalMapper mapper = new PortalMapper(json);
    private final DossierEventFactory factory = new DossierEventFactory(5);

    @Test
    void anOverdueDossiersApologyCarriesTheOldAndNewAppointmentInTheSupplementList() throws Exception {
        ObjectNode dossier = factory.newDossier(OffsetDateTime.now(DossierEventFactory.VN).minusDays(10));
        // dates in another offset: the portal's are Asia/Ho_Chi_Minh wall-clock times
        dossier.put("dueAt", "2026-11-20T10:00:00Z");
        ObjectNode detail = json.createObjectNode().put("reason", "Chờ ý kiến của cơ quan phối hợp")
                .put("newDueAt", "2026-11-23T17:00:00+07:00");
        ObjectNode event = factory.event("DOSSIER_OVERDUE", OffsetDateTime.of(2026, 11, 21, 8, 0, 0, 0, ZoneOffset.ofHours(7)), dossier, 4, detail);

        JsonNode hs = mapper.dossierSync(json.treeToValue(event, DossierEvent.class), true).get("data").get(0);

        assertThat(hs.has("ThongTinXinLoi")).as("no field the spec does not have").isFalse();
        assertThat(hs.get("DanhSachHoSoBoSung")).hasSize(1);
        JsonNode apology = hs.get("DanhSachHoSoBoSung").get(0);
        assertThat(apology.get("NgayHenTraTruoc").asText()).isEqualTo("20261120170000");
        assertThat(apology.get("NgayHenTraMoi").asText()).isEqualTo("20261123170000");
        assertThat(apology.get("NoiDungBoSung").asText()).isEqualTo("Chờ ý kiến của cơ quan phối hợp");
        assertThat(hs.get("NgayHenTra").asText()).isEqualTo("20261123170000");
        // as a portal built from the spec reads it: the fields pass, and the appointment held moves with its apology
        assertThat(PortalSimulator.checkFields(hs)).isNull();
        assertThat(PortalSimulator.checkNewAppointment("20261120170000", hs)).isNull();
    }

    @Test
    void theSimulatorRefusesANewAppointmentWithoutTheSupplementEntry() {
        ObjectNode hs = json.createObjectNode().put("NgayHenTra", "20261123170000");
        hs.putObject("ThongTinXinLoi").put("NgayHenTraTruoc", "20261120170000").put("NgayHenTraMoi", "20261123170000");
        assertThat(PortalSimulator.checkNewAppointment("20261120170000", hs)).contains("DanhSachHoSoBoSung");
        assertThat(PortalSimulator.checkNewAppointment("20261123170000", hs)).as("the appointment did not move").isNull();
    }
}
