package vn.gov.lgsp.hub.work;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vn.gov.lgsp.hub.model.DossierUpdate;

/** A work's updates are written as JSON once: for its completion record, then its publication and its audit record. */
class DossierUpdatesJsonTest {
    private static final ObjectMapper JSON = JsonMapper.builder().findAndAddModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
    private final DossierUpdates updates = new DossierUpdates(null, null, JSON, null);

    /** Made without the contract's check: what is tested is how it is written, whatever its detail. */
    private static DossierUpdate update(String id, String name) {
        return new DossierUpdate("portal:" + id, "000.00.21.H45-261123-0001", "PORTAL_SYNCED",
                java.time.OffsetDateTime.now(DossierUpdates.VIETNAM), "national-portal",
                JSON.createObjectNode().put("note", name).put("attempt", 1));
    }

    @Test
    void theCompletionsListIsWhatTheMapperWritesOfTheListAndEachUpdatesJsonIsKept() throws Exception {
        DossierUpdate a = update("e1", "Nguyễn \"Văn\" A"), b = update("e2", "Trần Thị B");
        Map<DossierUpdate, String> written = new IdentityHashMap<>();

        String list = updates.toJsonList(List.of(a, b), written);

        assertThat(list).isEqualTo(JSON.writeValueAsString(List.of(a, b)));
        assertThat(updates.fromJsonList(list)).extracting(DossierUpdate::updateId, DossierUpdate::detail)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(a.updateId(), a.detail()), org.assertj.core.groups.Tuple.tuple(b.updateId(), b.detail()));
        assertThat(written).containsEntry(a, JSON.writeValueAsString(a)).containsEntry(b, JSON.writeValueAsString(b));
        assertThat(updates.jsonOf(a, written)).isSameAs(written.get(a));
        assertThat(updates.toJsonList(List.of(), written)).isEqualTo(JSON.writeValueAsString(List.of()));
    }

    @Test
    void anUpdateNotWrittenBeforeIsWrittenWhenAskedFor() throws Exception {
        DossierUpdate a = update("e3", "Lê C");
        assertThat(updates.jsonOf(a, Map.of())).isEqualTo(JSON.writeValueAsString(a));
    }
}
