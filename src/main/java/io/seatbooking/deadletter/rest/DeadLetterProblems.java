package io.seatbooking.deadletter.rest;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.seatbooking.deadletter.service.DeadLetterOutcome;
import io.seatbooking.deadletter.service.DeadLetterOutcome.AlreadyResolved;
import io.seatbooking.deadletter.service.DeadLetterOutcome.InvalidBulkRequest;
import io.seatbooking.deadletter.service.DeadLetterOutcome.InvalidListing;
import io.seatbooking.deadletter.service.DeadLetterOutcome.JobFinished;
import io.seatbooking.deadletter.service.DeadLetterOutcome.JobNotFound;
import io.seatbooking.deadletter.service.DeadLetterOutcome.NotFound;
import io.seatbooking.web.problem.Problem;
import io.seatbooking.web.problem.ProblemResponses;
import io.seatbooking.web.problem.ProblemType;

/**
 * The HTTP answer to each dead letter outcome (docs/api.md, "Errors"). An impossible listing is a
 * 400 {@code malformed-request} here, where the booking listing answers 422; both are kept as
 * clients know them.
 */
public class DeadLetterProblems {

    /** Answers the admin API's domain outcomes. */
    @ServerExceptionMapper
    public Response outcome(DeadLetterOutcome outcome) {
        return ProblemResponses.of(problem(outcome));
    }

    static Problem problem(DeadLetterOutcome outcome) {
        String detail = outcome.getMessage();
        return switch (outcome) {
            case NotFound o -> Problem.of(ProblemType.DEAD_LETTER_NOT_FOUND, detail);
            case AlreadyResolved o -> Problem.of(ProblemType.DEAD_LETTER_ALREADY_RESOLVED, detail)
                    .with("letterStatus", o.status())
                    .with("resolvedAt", o.resolvedAt())
                    .with("resolvedBy", o.resolvedBy());
            case InvalidListing o -> Problem.of(ProblemType.MALFORMED_REQUEST, detail);
            case JobNotFound o -> Problem.of(ProblemType.DEAD_LETTER_JOB_NOT_FOUND, detail);
            case JobFinished o -> Problem.of(ProblemType.DEAD_LETTER_JOB_FINISHED, detail);
            case InvalidBulkRequest o -> Problem.of(ProblemType.INVALID_REQUEST, detail);
        };
    }
}
