package org.deskframe.admin;

import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.security.OAuthFlow;
import io.swagger.v3.oas.annotations.security.OAuthFlows;
import io.swagger.v3.oas.annotations.security.OAuthScope;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.servers.Server;
import java.util.List;
import org.deskframe.identity.RegionSettings;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document's title, version (the build's) and server (this deployment's public URL, not the address a
 * request happened to reach), and how OpenAPI readers (and Swagger UI's "Authorize") obtain an admin token.
 */
@Configuration(proxyBeanMethods = false)
@SecurityScheme(name = AdminApiDocs.ADMIN_TOKEN, type = SecuritySchemeType.OAUTH2,
        description = "A client_credentials access token with scope admin: the deployment admin client's (every "
                + "organisation) or an organisation's admin client's (that organisation only).",
        flows = @OAuthFlows(clientCredentials = @OAuthFlow(tokenUrl = "/oauth2/token",
                scopes = @OAuthScope(name = "admin", description = "Administer organisations, agents, queues, OAuth clients and canned responses"))))
class AdminApiDocs {
    static final String ADMIN_TOKEN = "adminToken";

    @Bean
    OpenAPI deskframeOpenApi(RegionSettings region, ObjectProvider<BuildProperties> build) {
        String version = build.getIfAvailable() != null ? build.getIfAvailable().getVersion() : "development";
        return new OpenAPI()
                .info(new Info().title("Deskframe API").version(version)
                        .description("Token checks, conversation history and administration of a Deskframe deployment "
                                + "(region " + region.id() + "). Every refusal is a catalogue problem: {code, message, hint}; "
                                + "see " + region.publicUrl() + "/docs/errors.md.")
                        .license(new License().name("Apache License 2.0").url("https://www.apache.org/licenses/LICENSE-2.0")))
                .servers(List.of(new Server().url(region.publicUrl()).description("This deployment (region " + region.id() + ")")));
    }
}
