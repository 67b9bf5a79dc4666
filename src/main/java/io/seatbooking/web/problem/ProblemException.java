package io.seatbooking.web.problem;

import java.util.Map;

/**
 * A business outcome that ends the request with a problem response. Thrown inside a transaction
 * it also rolls the transaction back. It carries no stack trace: it is an answer, not a fault.
 */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;
    private final transient Map<String, String> headers;

    public ProblemException(Problem problem) {
        this(problem, Map.of());
    }

    public ProblemException(Problem problem, Map<String, String> headers) {
        super(problem.getDetail(), null, false, false);
        this.problem = problem;
        this.headers = Map.copyOf(headers);
    }

    public static ProblemException of(ProblemType type, String detail) {
        return new ProblemException(Problem.of(type, detail));
    }

    public Problem problem() {
        return problem;
    }

    /** Response headers that belong to the problem (for example {@code WWW-Authenticate}). */
    public Map<String, String> headers() {
        return headers;
    }
}
