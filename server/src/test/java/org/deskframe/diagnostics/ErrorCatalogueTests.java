package org.deskframe.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.deskframe.testing.GeneratedDocs;
import org.junit.jupiter.api.Test;

/** Invariants of the one error catalogue, and {@code docs/errors.md} kept equal to it. */
class ErrorCatalogueTests {

    /** Codes deliberately shared by several constants: a more specific message for the same failure. */
    private static final Map<String, Set<ErrorCode>> VARIANTS = Map.of(
            "token.missing", EnumSet.of(ErrorCode.TOKEN_MISSING, ErrorCode.TOKEN_MISSING_BEHIND_PROXY),
            "token.scope_missing", EnumSet.of(ErrorCode.TOKEN_SCOPE_MISSING, ErrorCode.TOKEN_SCOPE_NOT_REQUESTED),
            "assertion.invalid", EnumSet.of(ErrorCode.ASSERTION_INVALID, ErrorCode.ASSERTION_WRONG_AUDIENCE),
            "request.invalid", EnumSet.of(ErrorCode.REQUEST_INVALID, ErrorCode.AUTHORIZE_REQUEST_INVALID),
            "resource.not_found", EnumSet.of(ErrorCode.NOT_FOUND, ErrorCode.PAGE_NOT_FOUND),
            "origin.not_allowed", EnumSet.of(ErrorCode.ORIGIN_NOT_ALLOWED, ErrorCode.GATEWAY_ORIGIN_NOT_ALLOWED),
            "call.ice_failed", EnumSet.of(ErrorCode.CALL_ICE_FAILED, ErrorCode.CALL_ICE_FAILED_NO_TURN),
            "attachment.unavailable", EnumSet.of(ErrorCode.ATTACHMENT_UNAVAILABLE, ErrorCode.ATTACHMENT_STORE_FULL));

    /** Close codes shared by different codes; none today. A shared close code must be added here on purpose. */
    private static final Map<Integer, Set<String>> SHARED_CLOSE_CODES = Map.of();

    /** Failures on the server's side (it is going away, full or cannot be reached, or the client cannot keep up): 503, not a client error. */
    private static final Set<ErrorCode> SERVER_SIDE = EnumSet.of(ErrorCode.SERVER_RESTARTING, ErrorCode.SLOW_CONSUMER,
            ErrorCode.ENV_UNREACHABLE, ErrorCode.HANDSHAKE_FAILED, ErrorCode.GATEWAY_BUSY, ErrorCode.CALL_TURN_AUTH_FAILED,
            ErrorCode.CALL_TURN_UNREACHABLE, ErrorCode.ATTACHMENT_UNAVAILABLE, ErrorCode.ATTACHMENT_STORE_FULL,
            ErrorCode.STORAGE_UNAVAILABLE);

    /** Hints that are worked out for each failure and passed in whole, as one placeholder. */
    private static final Set<ErrorCode> COMPUTED_HINTS = EnumSet.of(ErrorCode.SCOPE_NOT_ALLOWED);

    @Test
    void docsErrorsMdIsRenderedFromTheCatalogue() {
        GeneratedDocs.checkOrWrite("errors.md", ErrorCatalogueDoc.render());
    }

    @Test
    void codesAreUniqueExceptDeclaredVariants() {
        Map<String, Set<ErrorCode>> byCode = Arrays.stream(ErrorCode.values())
                .collect(Collectors.groupingBy(ErrorCode::code, Collectors.toCollection(() -> EnumSet.noneOf(ErrorCode.class))));
        byCode.forEach((code, constants) -> {
            if (constants.size() > 1) {
                assertThat(VARIANTS).as("%s is shared by %s: declare it as a variant or give each its own code", code, constants)
                        .containsEntry(code, constants);
            }
        });
        assertThat(byCode.keySet()).containsAll(VARIANTS.keySet());
    }

    @Test
    void variantsOfACodeShareItsStatusAndCloseCode() {
        VARIANTS.forEach((code, constants) -> {
            assertThat(constants.stream().map(ErrorCode::httpStatus).distinct()).as(code).hasSize(1);
            assertThat(constants.stream().map(ErrorCode::closeCode).distinct()).as(code).hasSize(1);
        });
    }

    @Test
    void differentCodesHaveDifferentCloseCodesExceptDeclaredOnes() {
        Map<Integer, Set<String>> codesByClose = Arrays.stream(ErrorCode.values()).collect(Collectors.groupingBy(
                ErrorCode::closeCode, Collectors.mapping(ErrorCode::code, Collectors.toCollection(TreeSet::new))));
        codesByClose.forEach((close, codes) -> {
            if (codes.size() > 1) {
                assertThat(SHARED_CLOSE_CODES).as("close code %d is shared by %s", close, codes).containsEntry(close, codes);
            }
        });
    }

    @Test
    void closeCodesAreApplicationCodesInADocumentedRangeThatMatchesTheClientAction() {
        for (ErrorCode error : ErrorCode.values()) {
            assertThat(error.closeCode()).as(error.name()).isBetween(4000, 4999);
            List<CloseRange> ranges = Arrays.stream(CloseRange.values()).filter(r -> r.contains(error.closeCode())).toList();
            assertThat(ranges).as("%s's close code %d lies in no documented range", error, error.closeCode()).hasSize(1);
            assertThat(error.clientAction()).as(error.name()).isEqualTo(ranges.getFirst());
        }
    }

    @Test
    void httpStatusesAreClientErrorsExceptDeclaredServerSideOnes() {
        for (ErrorCode error : ErrorCode.values()) {
            if (error == ErrorCode.SERVER_INTERNAL) {
                assertThat(error.httpStatus()).as("a failure inside the server").isEqualTo(500);
            } else if (SERVER_SIDE.contains(error)) {
                assertThat(error.httpStatus()).as(error.name()).isEqualTo(503);
            } else {
                assertThat(error.httpStatus()).as(error.name()).isBetween(400, 499);
            }
        }
    }

    @Test
    void codesAreDottedLowerCaseNames() {
        for (ErrorCode error : ErrorCode.values()) {
            assertThat(error.code()).as(error.name()).matches("[a-z]+\\.[a-z_]+");
        }
    }

    @Test
    void everyMessageAndHintIsASentence() {
        for (ErrorCode error : ErrorCode.values()) {
            assertThat(error.messageTemplate()).as(error.name()).isNotBlank().endsWith(".");
            if (COMPUTED_HINTS.contains(error)) {
                assertThat(error.hintTemplate()).as(error.name()).matches("\\{[A-Za-z]+}");
            } else {
                assertThat(error.hintTemplate()).as(error.name()).isNotBlank().endsWith(".")
                        .isNotEqualTo(error.messageTemplate());
            }
        }
    }

    @Test
    void everyPlaceholderIsDocumentedAndEveryDocumentedOneIsUsed() {
        Set<String> used = new TreeSet<>();
        for (ErrorCode error : ErrorCode.values()) {
            Set<String> names = ErrorCatalogueDoc.placeholdersOf(error);
            assertThat(ErrorCatalogueDoc.PLACEHOLDERS.keySet()).as("placeholders of %s", error).containsAll(names);
            used.addAll(names);
        }
        assertThat(used).as("documented placeholders no message or hint uses").containsAll(ErrorCatalogueDoc.PLACEHOLDERS.keySet());
    }

    @Test
    void aProblemFillsEveryPlaceholderItIsGiven() {
        for (ErrorCode error : ErrorCode.values()) {
            Map<String, Object> details = ErrorCatalogueDoc.placeholdersOf(error).stream()
                    .collect(Collectors.toMap(name -> name, name -> "<" + name + ">"));
            Problem problem = Problem.of(error, details);
            assertThat(problem.message() + problem.hint()).as(error.name()).doesNotContainPattern(ErrorCatalogueDoc.PLACEHOLDER);
        }
    }

    @Test
    void theCatalogueHasEveryFailureTheDesignNames() {
        // docs/DESIGN: missing token (proxy hint), malformed, bad signature, expired, not yet valid, revoked, wrong
        // region, wrong org, scope missing, client lacks embed, origin not allowed, agent disabled, handshake timeout,
        // rate limited.
        assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::code)).contains("token.missing", "token.malformed",
                "token.bad_signature", "token.expired", "token.not_yet_valid", "token.revoked", "token.wrong_region",
                "token.wrong_org", "token.scope_missing", "client.embed_not_allowed", "origin.not_allowed",
                "agent.disabled", "handshake.timeout", "rate.limited");
        assertThat(ErrorCode.TOKEN_MISSING_BEHIND_PROXY.hintTemplate()).contains("proxy");
    }
}
