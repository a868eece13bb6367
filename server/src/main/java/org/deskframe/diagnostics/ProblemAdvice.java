package org.deskframe.diagnostics;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/** Every REST controller reports failures through the catalogue. */
@RestControllerAdvice
class ProblemAdvice {

    @ExceptionHandler(ProblemException.class)
    void problem(ProblemException e, HttpServletResponse response) throws IOException {
        HttpProblems.write(response, e.problem());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    void unreadable(HttpMessageNotReadableException e, HttpServletResponse response) throws IOException {
        String reason = e.getMostSpecificCause().getMessage();
        if (reason != null && reason.length() > 300) reason = reason.substring(0, 300) + "...";
        HttpProblems.write(response, Problem.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "the body is not valid JSON for this endpoint: " + reason)));
    }

    @ExceptionHandler(MethodArgumentNotValidException.class)
    void invalid(MethodArgumentNotValidException e, HttpServletResponse response) throws IOException {
        String reason = e.getBindingResult().getFieldErrors().stream()
                .map(f -> "'" + f.getField() + "' " + f.getDefaultMessage()).reduce((a, b) -> a + "; " + b).orElse("invalid body");
        HttpProblems.write(response, Problem.of(ErrorCode.REQUEST_INVALID, Map.of("reason", reason)));
    }

    @ExceptionHandler({MissingServletRequestParameterException.class, MethodArgumentTypeMismatchException.class})
    void badParameter(Exception e, HttpServletResponse response) throws IOException {
        HttpProblems.write(response, Problem.of(ErrorCode.REQUEST_INVALID, Map.of("reason", e.getMessage())));
    }
}
