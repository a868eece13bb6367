package org.deskframe.site;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.HttpProblems;
import org.deskframe.diagnostics.Problem;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.diagnostics.StorageOutage;
import org.deskframe.identity.RegionSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Where every failure that reaches the servlet container's error dispatch ends (instead of Spring's Whitelabel page):
 * a page for browsers, a catalogue JSON body for everything else, each with the catalogue code that says what went
 * wrong (also in {@code X-Deskframe-Error}). The authorization endpoint's refusals without a redirect become
 * {@code request.invalid} with a hint on how a sign-in starts.
 */
@RestController
class ErrorPages implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ErrorPages.class);

    private final RegionSettings region;

    ErrorPages(RegionSettings region) {
        this.region = region;
    }

    @RequestMapping("/error")
    ResponseEntity<?> error(HttpServletRequest request) {
        Problem problem = problemFor(request);
        HttpStatusCode status = HttpStatusCode.valueOf(statusOf(request, problem));
        String accept = request.getHeader("Accept");
        boolean html = accept != null && accept.contains(MediaType.TEXT_HTML_VALUE);
        if (!html) {
            return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).cacheControl(CacheControl.noStore())
                    .header("X-Deskframe-Error", problem.code()).body(HttpProblems.body(problem));
        }
        return page(status, problem, request);
    }

    /** The error page for {@code problem}: its message, fix and code, and a way back to the front page. */
    static ResponseEntity<String> page(HttpStatusCode status, Problem problem, HttpServletRequest request) {
        String heading = switch (status.value()) {
            case 404 -> "Not found";
            case 401, 403 -> "Not allowed";
            case 400, 405 -> "This request cannot be handled";
            default -> "Something went wrong";
        };
        ResponseEntity<String> page = PageLayout.page(status, request, heading, heading, PageLayout.alert(problem)
                + "<p><a href=\"/\">Go to the front page</a> · <a href=\"/docs/errors.md\">Error catalogue</a></p>");
        return ResponseEntity.status(page.getStatusCode()).headers(page.getHeaders())
                .header("X-Deskframe-Error", problem.code()).body(page.getBody());
    }

    private Problem problemFor(HttpServletRequest request) {
        Object thrown = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        for (Object t = thrown; t instanceof Throwable e; t = e.getCause()) {
            if (e instanceof ProblemException p) return p.problem();
        }
        int status = statusOf(request, null);
        String path = String.valueOf(request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI));
        Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        String said = message == null ? "" : message.toString().strip();
        if (path.startsWith("/oauth2/authorize") && status == 400) {
            // Spring's "[invalid_request] OAuth 2.0 Parameter: client_id", in words.
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\[(\\w+)] OAuth 2.0 Parameter: (\\w+)").matcher(said);
            String reason = m.find() ? "the parameter " + m.group(2) + " is missing or not valid (OAuth error " + m.group(1) + ")"
                    : said.isEmpty() ? "client_id, response_type or another parameter is missing or not valid" : said;
            return Problem.of(ErrorCode.AUTHORIZE_REQUEST_INVALID, Map.of("reason", reason));
        }
        return switch (status) {
            case 404 -> Problem.of(ErrorCode.PAGE_NOT_FOUND, Map.of("resource", "Page '" + path + "'", "home", region.publicUrl()));
            case 400 -> Problem.of(ErrorCode.REQUEST_INVALID, Map.of("reason", said.isEmpty() ? "the request to " + path
                    + " is malformed" : said));
            case 405 -> Problem.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "method " + request.getAttribute(
                    "jakarta.servlet.error.method") + " is not allowed on " + path));
            case 401 -> Problem.of(ErrorCode.TOKEN_MISSING);
            case 403 -> Problem.of(ErrorCode.REQUEST_FORBIDDEN, Map.of("path", path, "reason", said.isEmpty() ? "access denied" : said));
            default -> {
                if (thrown instanceof Throwable e && StorageOutage.isCause(e)) {
                    log.warn("Request {} failed: the database did not answer ({})", path, StorageOutage.summary(e));
                    yield Problem.of(ErrorCode.STORAGE_UNAVAILABLE, Map.of("path", path));
                }
                if (thrown instanceof Throwable e) log.error("Request {} failed", path, e);
                yield Problem.of(ErrorCode.SERVER_INTERNAL, Map.of("path", path));
            }
        };
    }

    /** The status the container set, except for a catalogue problem that was thrown: then the catalogue's. */
    private static int statusOf(HttpServletRequest request, Problem problem) {
        for (Object t = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION); t instanceof Throwable e; t = e.getCause()) {
            if (e instanceof ProblemException && problem != null) return problem.error().httpStatus();
        }
        if (problem != null && problem.error() == ErrorCode.STORAGE_UNAVAILABLE) return problem.error().httpStatus();
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        return code instanceof Integer i ? i : HttpStatus.INTERNAL_SERVER_ERROR.value();
    }
}
