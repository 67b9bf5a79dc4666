package io.seatbooking.web.problem;

import java.util.Map;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/** Builds {@code application/problem+json} responses. */
public final class ProblemResponses {

    private ProblemResponses() {
    }

    public static Response of(Problem problem) {
        return of(problem, Map.of());
    }

    public static Response of(Problem problem, Map<String, String> headers) {
        Response.ResponseBuilder builder = Response.status(problem.getStatus())
                .type(Problem.MEDIA_TYPE)
                .entity(problem);
        headers.forEach(builder::header);
        return builder.build();
    }

    public static Response unauthorized(String detail) {
        return of(Problem.of(ProblemType.UNAUTHORIZED, detail), Map.of(HttpHeaders.WWW_AUTHENTICATE, "Bearer"));
    }
}
