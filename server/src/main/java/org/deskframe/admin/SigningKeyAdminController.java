package org.deskframe.admin;

import com.nimbusds.jose.jwk.JWK;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.deskframe.identity.SigningKeys;
import org.deskframe.tokens.VerifiedToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/api/v2/admin/signing-keys", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Admin: signing keys", description = "The region's token-signing keys, as published at /oauth2/jwks.")
@SecurityRequirement(name = AdminApiDocs.ADMIN_TOKEN, scopes = "admin")
class SigningKeyAdminController {

    private static final Logger log = LoggerFactory.getLogger(SigningKeyAdminController.class);

    private final SigningKeys keys;
    private final OrgBoundary boundary;

    SigningKeyAdminController(SigningKeys keys, OrgBoundary boundary) {
        this.keys = keys;
        this.boundary = boundary;
    }

    @GetMapping
    @Operation(operationId = "listSigningKeys", summary = "Key ids published in the JWKS: the current signing key first, then the previous one")
    PublishedKeys published(@Parameter(hidden = true) VerifiedToken caller) {
        boundary.requireClientToken(caller);
        return PublishedKeys.now(keys);
    }

    @PostMapping("/rotate")
    @Operation(operationId = "rotateSigningKey", summary = "Start signing with a new key (deployment admin only)",
            description = "The previous key stays published, so tokens signed before the rotation verify until they expire. "
                    + "Rotating twice within one token lifetime makes the oldest tokens fail with token.bad_signature.")
    Rotated rotate(@Parameter(hidden = true) VerifiedToken caller) {
        boundary.requireDeploymentAdmin(caller, "rotate signing keys");
        String kid = keys.rotate();
        log.info("Admin {} rotated the signing key; new kid {}", caller.clientId(), kid);
        return new Rotated(kid, PublishedKeys.now(keys).publishedKids());
    }

    record PublishedKeys(String currentKid, List<String> publishedKids) {
        static PublishedKeys now(SigningKeys keys) {
            List<String> kids = keys.publicKeys().getKeys().stream().map(JWK::getKeyID).toList();
            return new PublishedKeys(kids.isEmpty() ? null : kids.getFirst(), kids);
        }
    }

    record Rotated(String kid, List<String> publishedKids) {}
}
