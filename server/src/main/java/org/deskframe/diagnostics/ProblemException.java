package org.deskframe.diagnostics;

/** Carries a {@link Problem} up to whichever path (HTTP, WebSocket, CLI) reports it. */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(Problem problem) {
        super(problem.toLogLine(), null, false, false);
        this.problem = problem;
    }

    public static ProblemException of(ErrorCode code, java.util.Map<String, ?> details) {
        return new ProblemException(Problem.of(code, details));
    }

    public Problem problem() {
        return problem;
    }
}
