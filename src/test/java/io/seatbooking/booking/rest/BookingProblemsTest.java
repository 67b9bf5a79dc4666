package io.seatbooking.booking.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.seatbooking.booking.BookingOutcome;
import io.seatbooking.booking.BookingOutcome.BookingNotFound;
import io.seatbooking.booking.BookingOutcome.ConcurrentChange;
import io.seatbooking.booking.BookingOutcome.HoldExpired;
import io.seatbooking.booking.BookingOutcome.InvalidRequest;
import io.seatbooking.booking.BookingOutcome.SeatsUnavailable;
import io.seatbooking.booking.BookingOutcome.ShowNotFound;
import io.seatbooking.booking.BookingOutcome.StateConflict;
import io.seatbooking.booking.BookingOutcome.VersionMismatch;
import io.seatbooking.booking.BookingStatus;
import io.seatbooking.web.problem.Problem;

/**
 * Each booking outcome's problem, member for member: the HTTP contract clients switch on (and
 * that idempotent repeats replay byte for byte) must not move when the domain code does.
 */
class BookingProblemsTest {

    private static final String PROBLEMS = "https://seat-booking.dev/problems/";
    private static final UUID ID = UUID.fromString("0190b7a4-0000-7000-8000-000000000001");

    @Test
    void unknownShowIs404ShowNotFound() {
        Problem problem = BookingProblems.problem(new ShowNotFound(ID));

        assertProblem(problem, "show-not-found", "Show not found", 404, "There is no show " + ID + ".");
        assertThat(problem.getExtensions()).isEmpty();
    }

    @Test
    void unknownBookingIs404BookingNotFound() {
        Problem problem = BookingProblems.problem(new BookingNotFound(ID));

        assertProblem(problem, "booking-not-found", "Booking not found", 404, "There is no booking " + ID + ".");
        assertThat(problem.getExtensions()).isEmpty();
    }

    @Test
    void unavailableSeatsAre409NamingTheSeats() {
        Problem problem = BookingProblems.problem(new SeatsUnavailable(List.of("A3", "A1")));

        assertProblem(problem, "seat-unavailable", "Seats unavailable", 409, "Not available: A3, A1. Nothing was held.");
        assertThat(problem.getExtensions()).containsExactly(entry("unavailableSeats", List.of("A3", "A1")));
    }

    @Test
    void invalidRequestIs422WithTheOffendingSeatsWhenThatIsTheReason() {
        Problem plain = BookingProblems.problem(new InvalidRequest("seats must name at least one seat."));
        Problem duplicates = BookingProblems.problem(
                InvalidRequest.duplicateSeats("Each seat may appear only once: A1.", List.of("A1")));
        Problem unknown = BookingProblems.problem(
                InvalidRequest.unknownSeats("The show has no seats Z9.", List.of("Z9")));

        assertProblem(plain, "invalid-request", "Request is not valid", 422, "seats must name at least one seat.");
        assertThat(plain.getExtensions()).isEmpty();
        assertProblem(duplicates, "invalid-request", "Request is not valid", 422, "Each seat may appear only once: A1.");
        assertThat(duplicates.getExtensions()).containsExactly(entry("duplicateSeats", List.of("A1")));
        assertThat(unknown.getExtensions()).containsExactly(entry("unknownSeats", List.of("Z9")));
    }

    @Test
    void stateConflictIs409WithTheBookingStatus() {
        Problem problem = BookingProblems.problem(new StateConflict(ID, BookingStatus.CANCELLED, "confirmed"));

        assertProblem(problem, "booking-state-conflict", "Booking is not in a state that allows this", 409,
                "Booking " + ID + " is CANCELLED and cannot be confirmed.");
        assertThat(problem.getExtensions()).containsExactly(entry("bookingStatus", BookingStatus.CANCELLED));
    }

    @Test
    void expiredHoldIs409WithStatusExpiredEvenBeforeTheSweep() {
        Problem problem = BookingProblems.problem(new HoldExpired(ID, Instant.parse("2030-01-02T03:04:05Z")));

        assertProblem(problem, "booking-expired", "Booking hold has expired", 409,
                "The hold of booking " + ID + " expired at 2030-01-02T03:04:05Z.");
        assertThat(problem.getExtensions()).containsExactly(entry("bookingStatus", BookingStatus.EXPIRED));
    }

    @Test
    void versionMismatchIs412WithTheCurrentVersion() {
        Problem problem = BookingProblems.problem(new VersionMismatch(7));

        assertProblem(problem, "precondition-failed", "Precondition failed", 412,
                "The booking is at version 7; If-Match does not name it.");
        assertThat(problem.getExtensions()).containsExactly(entry("currentVersion", 7L));
    }

    @Test
    void concurrentChangeIs409ConcurrentUpdate() {
        Problem problem = BookingProblems.problem(
                new ConcurrentChange("The booking kept changing while the request ran; retry."));

        assertProblem(problem, "concurrent-update", "The resource changed while the request ran; retry", 409,
                "The booking kept changing while the request ran; retry.");
        assertThat(problem.getExtensions()).isEmpty();
    }

    @Test
    void onlyBookingOutcomesHaveAProblemForIdempotentReplay() {
        BookingOutcome outcome = new BookingNotFound(ID);

        assertThat(BookingProblems.of(outcome)).hasValueSatisfying(
                problem -> assertThat(problem.getType().toString()).isEqualTo(PROBLEMS + "booking-not-found"));
        assertThat(BookingProblems.of(new IllegalStateException("a fault"))).isEmpty();
    }

    private static void assertProblem(Problem problem, String type, String title, int status, String detail) {
        assertThat(problem.getType().toString()).isEqualTo(PROBLEMS + type);
        assertThat(problem.getTitle()).isEqualTo(title);
        assertThat(problem.getStatus()).isEqualTo(status);
        assertThat(problem.getDetail()).isEqualTo(detail);
    }
}
