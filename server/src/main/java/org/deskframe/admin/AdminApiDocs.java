package org.deskframe.admin;

import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.security.OAuthFlow;
import io.swagger.v3.oas.annotations.security.OAuthFlows;
import io.swagger.v3.oas.annotations.security.OAuthScope;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import org.springframework.context.annotation.Configuration;

/** Tells OpenAPI readers (and Swagger UI's "Authorize") how to obtain an admin token. */
@Configuration(proxyBeanMethods = false)
@SecurityScheme(name = AdminApiDocs.ADMIN_TOKEN, type = SecuritySchemeType.OAUTH2,
        description = "A client_credentials access token with scope admin: the deployment admin client's (every "
                + "organisation) or an organisation's admin client's (that organisation only).",
        flows = @OAuthFlows(clientCredentials = @OAuthFlow(tokenUrl = "/oauth2/token",
                scopes = @OAuthScope(name = "admin", description = "Administer organisations, agents, queues and OAuth clients"))))
class AdminApiDocs {
    static final String ADMIN_TOKEN = "adminToken";
}
