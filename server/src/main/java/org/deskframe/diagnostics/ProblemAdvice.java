package org.deskframe.diagnostics;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Every REST controller reports failures through the catalogue. */
@RestControllerAdvice
class ProblemAdvice {

    @ExceptionHandler(ProblemException.class)
    void problem(ProblemException e, HttpServletResponse response) throws IOException {
        HttpProblems.write(response, e.problem());
    }

    /**
     * An unreadable body is described by field and position, never by content: bodies carry passwords and keys, and
     * the parser's own message quotes the offending token.
     */
    @ExceptionHandler(HttpMessageNotReadableException.class)
    void unreadable(HttpMessageNotReadableException e, HttpServletResponse response) throws IOException {
        HttpProblems.write(response, Problem.of(ErrorCode.REQUEST_INVALID, Map.of("reason", describe(e))));
    }

    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof tools.jackson.core.JacksonException json) {
                String field = json.getPath().stream()
                        .map(r -> r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]")
                        .collect(java.util.stream.Collectors.joining(".")).replace(".[", "[");
                if (!field.isEmpty()) return "'" + field + "' has a value of the wrong type or format";
                tools.jackson.core.TokenStreamLocation at = json.getLocation();
                return at == null || at.getLineNr() < 0 ? "the body is not valid JSON"
                        : "the body is not valid JSON (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            }
        }
        return "the body is missing or is not JSON";
    }

    @ExceptionHandler(MethodArgumentNotValidException.class)
    void invalid(MethodArgumentNotValidException e, HttpServletResponse response) throws IOException {
        String reason = e.getBindingResult().getFieldErrors().stream()
                .map(f -> "'" + f.getField() + "' " + f.getDefaultMessage()).reduce((a, b) -> a + "; " + b).orElse("invalid body");
        HttpProblems.write(response, Problem.of(ErrorCode.REQUEST_INVALID, Map.of("reason", reason)));
    }

    /**
     * An API path that matches nothing: with a trailing slash, {@code request.invalid} naming the path without it
     * (API paths never end with one; Spring no longer matches them); otherwise {@code resource.not_found} naming the
     * path. Outside {@code /api/} Spring's own handling stays (pages, static resources).
     */
    @ExceptionHandler({NoResourceFoundException.class, NoHandlerFoundException.class})
    void noSuchPath(Exception e, HttpServletRequest request, HttpServletResponse response) throws Exception {
        String path = request.getRequestURI();
        if (!path.startsWith("/api/")) throw e;
        if (path.length() > 1 && path.endsWith("/")) {
            String without = path.replaceAll("/+$", "");
            HttpProblems.write(response, Problem.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "the path '" + path
                    + "' ends with '/', which no Deskframe API path does: use '" + without + "'", "path", without)));
        } else {
            HttpProblems.write(response, Problem.of(ErrorCode.NOT_FOUND, Map.of("resource", "Path '" + path + "'")));
        }
    }

    /** A body of a type the endpoint does not take (JSON to the multipart upload, say): named, with what it takes. */
    @ExceptionHandler(org.springframework.web.HttpMediaTypeNotSupportedException.class)
    void unsupportedBody(org.springframework.web.HttpMediaTypeNotSupportedException e, HttpServletResponse response) throws IOException {
        String takes = e.getSupportedMediaTypes().stream().map(Object::toString).collect(java.util.stream.Collectors.joining(", "));
        HttpProblems.write(response, Problem.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "the body's Content-Type "
                + (e.getContentType() == null ? "(none)" : e.getContentType().toString()) + " is not accepted here; send "
                + (takes.isEmpty() ? "another type" : takes))));
    }

    @ExceptionHandler({MissingServletRequestParameterException.class, MethodArgumentTypeMismatchException.class})
    void badParameter(Exception e, HttpServletResponse response) throws IOException {
        HttpProblems.write(response, Problem.of(ErrorCode.REQUEST_INVALID, Map.of("reason", e.getMessage())));
    }
}
