package vn.gov.lgsp.connector.zalo;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.media.StringSchema;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import vn.gov.lgsp.hub.ops.OpenApiConfig;

/** The Zalo webhook is a plain servlet (ZaloWebhookServlet), which springdoc does not see: described here. */
@Configuration(proxyBeanMethods = false)
class ZaloWebhookOpenApi {
    @Bean
    OpenApiCustomizer zaloWebhookDescribed() {
        return api -> {
            Content json = new Content().addMediaType("application/json", new MediaType().schema(new ObjectSchema()));
            Operation post = new Operation()
                    .tags(List.of(OpenApiConfig.TAG_PARTNER_CALLBACKS))
                    .summary("Zalo webhook")
                    .description("Zalo OA events (ZNS delivery receipts, user messages). X-ZEvent-Signature ="
                            + " sha256(app_id + raw body + timestamp + OA secret); 200 at once (accepted or duplicate),"
                            + " 401 when the signature is missing or wrong.")
                    .operationId("zaloWebhook")
                    .addParametersItem(new HeaderParameter().name("X-ZEvent-Signature").required(true).schema(new StringSchema()))
                    .requestBody(new RequestBody().required(true).content(json))
                    .responses(new ApiResponses()
                            .addApiResponse("200", new ApiResponse().description("accepted or duplicate").content(json))
                            .addApiResponse("401", new ApiResponse().description("invalid signature").content(json)));
            api.path(ZaloWebhookServlet.PATH, new PathItem().post(post));
        };
    }
}
