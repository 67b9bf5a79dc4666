package io.seatbooking.deadletter.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.seatbooking.deadletter.DeadLetter;
import io.seatbooking.deadletter.DeadLetterStatus;
import io.seatbooking.deadletter.FailedMessage;
import io.seatbooking.deadletter.service.DeadLetterOutcome.AlreadyResolved;
import io.seatbooking.deadletter.service.DeadLetterOutcome.InvalidListing;
import io.seatbooking.deadletter.service.DeadLetterOutcome.NotFound;
import io.seatbooking.web.problem.Problem;

/** Each dead letter outcome's problem, member for member (the admin API's error contract). */
class DeadLetterProblemsTest {

    private static final String PROBLEMS = "https://seat-booking.dev/problems/";
    private static final UUID ID = UUID.fromString("0190b7a4-0000-7000-8000-0000000000d1");

    @Test
    void unknownLetterIs404DeadLetterNotFound() {
        Problem problem = DeadLetterProblems.problem(new NotFound(ID));

        assertThat(problem.getType().toString()).isEqualTo(PROBLEMS + "dead-letter-not-found");
        assertThat(problem.getTitle()).isEqualTo("Dead letter not found");
        assertThat(problem.getStatus()).isEqualTo(404);
        assertThat(problem.getDetail()).isEqualTo("There is no dead letter " + ID + ".");
        assertThat(problem.getExtensions()).isEmpty();
    }

    @Test
    void resolvedLetterIs409SayingWhatWhenAndWho() {
        Instant at = Instant.parse("2030-01-02T03:04:05Z");
        DeadLetter letter = new DeadLetter(ID, new FailedMessage("m-1", "booking.payments", "payments",
                "payment.succeeded", "unknown-booking", null, 1, null, null, Map.of(), new byte[0]), 0, at,
                DeadLetterStatus.DISCARDED, at, "ops-anna", null, null, null, null);

        Problem problem = DeadLetterProblems.problem(new AlreadyResolved(letter));

        assertThat(problem.getType().toString()).isEqualTo(PROBLEMS + "dead-letter-already-resolved");
        assertThat(problem.getTitle()).isEqualTo("Dead letter already replayed or discarded");
        assertThat(problem.getStatus()).isEqualTo(409);
        assertThat(problem.getDetail())
                .isEqualTo("Dead letter " + ID + " was discarded by ops-anna at 2030-01-02T03:04:05Z.");
        assertThat(problem.getExtensions()).containsExactly(entry("letterStatus", DeadLetterStatus.DISCARDED),
                entry("resolvedAt", at), entry("resolvedBy", "ops-anna"));
    }

    @Test
    void impossibleListingIs400MalformedRequest() {
        Problem problem = DeadLetterProblems.problem(new InvalidListing("from must be before to."));

        assertThat(problem.getType().toString()).isEqualTo(PROBLEMS + "malformed-request");
        assertThat(problem.getStatus()).isEqualTo(400);
        assertThat(problem.getDetail()).isEqualTo("from must be before to.");
        assertThat(problem.getExtensions()).isEmpty();
    }
}
