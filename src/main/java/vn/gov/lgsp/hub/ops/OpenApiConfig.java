package vn.gov.lgsp.hub.ops;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.servers.Server;
import io.swagger.v3.oas.models.tags.Tag;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI 3 description of the hub's REST APIs, served by springdoc at {@code /v3/api-docs} (Swagger UI at
 * {@code /swagger-ui.html}) and kept in the repository as {@code docs/api/openapi.json} (OpenApiDocumentTest).
 *
 * <p>The server is given as "/" (the host that serves the document), so the document does not change with the
 * port or host it was fetched from. Only {@code /api/**} is described (springdoc.paths-to-match); actuator has
 * its own documentation.
 */
@Configuration(proxyBeanMethods = false)
public class OpenApiConfig {
    public static final String TAG_INBOUND = "Dossier events";
    public static final String TAG_OPERATIONS = "Operations";
    public static final String TAG_AUDIT = "Audit";
    public static final String TAG_PARTNER_CALLBACKS = "Partner callbacks";

    @Bean
    public OpenAPI hubOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("LGSP hub API")
                        .version("v1")
                        .description("REST APIs of the province's LGSP integration hub: dossier events from the one-stop"
                                + " system (the same contract as Kafka topic onestop.dossier.events, see"
                                + " connectors/onestop/contract/asyncapi.yaml), the operators' views and actions"
                                + " (dead letters, rejected input, portal reconciliation, bank reconciliation), the"
                                + " audit log, and the callbacks partners make (VNPost status push, VietinBank IPN,"
                                + " SMS delivery reports). Error answers are RFC 9457 problem+json.")
                        .license(new License().name("Government of Viet Nam: internal use")))
                .servers(List.of(new Server().url("/").description("the hub that serves this document")))
                .tags(List.of(
                        new Tag().name(TAG_INBOUND).description("Dossier events from the one-stop system, for systems without Kafka"),
                        new Tag().name(TAG_OPERATIONS).description("Operators: failed work, rejected input, reconciliation"),
                        new Tag().name(TAG_AUDIT).description("The tamper-evident audit log: timelines and the chain check"),
                        new Tag().name(TAG_PARTNER_CALLBACKS).description("Called by partners, not by people: authenticated"
                                + " by each partner's own signature or key")));
    }

    /**
     * Tags and summaries of the operations whose controllers carry no annotations (the work package's): given here
     * by path, only where the operation has none of its own.
     */
    @Bean
    public OpenApiCustomizer hubOperationsDescribedByPath() {
        return api -> {
            if (api.getPaths() == null) return;
            describe(api.getPaths().get("/api/v1/dead-letters"), PathItem.HttpMethod.GET, TAG_OPERATIONS, "Dead letters",
                    "Failed work with its reason and attempt count (status OPEN, REPLAYED or ALL; at most 1000).");
            describe(api.getPaths().get("/api/v1/dead-letters/{id}/replay"), PathItem.HttpMethod.POST, TAG_OPERATIONS,
                    "Replay a dead letter", "Puts the work back on its partner's queue; audited with the X-Operator header."
                            + " 404 unknown, 409 already replayed.");
        };
    }

    private static void describe(PathItem path, PathItem.HttpMethod method, String tag, String summary, String description) {
        Operation op = path == null ? null : path.readOperationsMap().get(method);
        if (op == null) return;
        if (op.getTags() == null || op.getTags().isEmpty() || op.getTags().stream().allMatch(t -> t.endsWith("-controller"))) {
            op.setTags(List.of(tag));
        }
        if (op.getSummary() == null) op.setSummary(summary);
        if (op.getDescription() == null) op.setDescription(description);
    }
}
