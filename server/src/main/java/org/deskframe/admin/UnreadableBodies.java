package org.deskframe.admin;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.stream.Collectors;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.HttpProblems;
import org.deskframe.diagnostics.Problem;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;

/**
 * Reports an unreadable admin request body by field and position, never by content. These bodies carry passwords
 * and keys, and the parser's own message quotes the offending token, which the generic handler would echo into
 * the response and the log.
 */
@RestControllerAdvice(basePackageClasses = UnreadableBodies.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class UnreadableBodies {

    @ExceptionHandler(HttpMessageNotReadableException.class)
    void unreadable(HttpMessageNotReadableException e, HttpServletResponse response) throws IOException {
        HttpProblems.write(response, Problem.of(ErrorCode.REQUEST_INVALID, Map.of("reason", describe(e))));
    }

    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JacksonException json) {
                String field = json.getPath().stream()
                        .map(r -> r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]")
                        .collect(Collectors.joining(".")).replace(".[", "[");
                if (!field.isEmpty()) return "'" + field + "' has a value of the wrong type or format";
                TokenStreamLocation at = json.getLocation();
                return at == null || at.getLineNr() < 0 ? "the body is not valid JSON"
                        : "the body is not valid JSON (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            }
        }
        return "the body is missing or is not JSON";
    }
}
