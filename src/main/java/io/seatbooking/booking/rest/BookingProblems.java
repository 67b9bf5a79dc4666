package io.seatbooking.booking.rest;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.seatbooking.booking.BookingOutcome;
import io.seatbooking.booking.BookingOutcome.BookingNotFound;
import io.seatbooking.booking.BookingOutcome.ConcurrentChange;
import io.seatbooking.booking.BookingOutcome.HoldExpired;
import io.seatbooking.booking.BookingOutcome.InvalidListing;
import io.seatbooking.booking.BookingOutcome.InvalidRequest;
import io.seatbooking.booking.BookingOutcome.SeatsUnavailable;
import io.seatbooking.booking.BookingOutcome.ShowCancelled;
import io.seatbooking.booking.BookingOutcome.ShowNotFound;
import io.seatbooking.booking.BookingOutcome.ShowNotOnSale;
import io.seatbooking.booking.BookingOutcome.ShowVersionMismatch;
import io.seatbooking.booking.BookingOutcome.StateConflict;
import io.seatbooking.booking.BookingOutcome.VersionMismatch;
import io.seatbooking.web.problem.Problem;
import io.seatbooking.web.problem.ProblemResponses;
import io.seatbooking.web.problem.ProblemType;

/**
 * The HTTP answer to each booking outcome (docs/api.md, "Errors"): its problem type, with the
 * outcome's explanation as {@code detail} and what the client acts on as extension members.
 */
public class BookingProblems {

    /** Answers every show and booking endpoint's domain outcomes. */
    @ServerExceptionMapper
    public Response outcome(BookingOutcome outcome) {
        return ProblemResponses.of(problem(outcome));
    }

    /**
     * The problem a failure of a booking operation answers with, or empty when it is not a
     * booking outcome (a fault, which the global mappers answer). For {@code IdempotencyService}.
     */
    static Optional<Problem> of(Throwable failure) {
        return failure instanceof BookingOutcome outcome ? Optional.of(problem(outcome)) : Optional.empty();
    }

    static Problem problem(BookingOutcome outcome) {
        String detail = outcome.getMessage();
        return switch (outcome) {
            case ShowNotFound o -> Problem.of(ProblemType.SHOW_NOT_FOUND, detail);
            case ShowNotOnSale o -> notOnSale(o);
            case ShowCancelled o -> Problem.of(ProblemType.SHOW_CANCELLED, detail);
            case ShowVersionMismatch o -> Problem.of(ProblemType.PRECONDITION_FAILED, detail)
                    .with("currentVersion", o.currentVersion());
            case BookingNotFound o -> Problem.of(ProblemType.BOOKING_NOT_FOUND, detail);
            case SeatsUnavailable o -> Problem.of(ProblemType.SEAT_UNAVAILABLE, detail)
                    .with("unavailableSeats", o.seats());
            case InvalidRequest o -> invalid(o);
            case InvalidListing o -> Problem.of(ProblemType.MALFORMED_REQUEST, detail);
            case StateConflict o -> Problem.of(ProblemType.BOOKING_STATE_CONFLICT, detail)
                    .with("bookingStatus", o.status());
            case HoldExpired o -> Problem.of(ProblemType.BOOKING_EXPIRED, detail).with("bookingStatus", o.status());
            case VersionMismatch o -> Problem.of(ProblemType.PRECONDITION_FAILED, detail)
                    .with("currentVersion", o.currentVersion());
            case ConcurrentChange o -> Problem.of(ProblemType.CONCURRENT_UPDATE, detail);
        };
    }

    private static Problem notOnSale(ShowNotOnSale outcome) {
        Problem problem = Problem.of(ProblemType.SHOW_NOT_ON_SALE, outcome.getMessage())
                .with("showStatus", outcome.status())
                .with("startsAt", outcome.show().startsAt());
        if (outcome.show().salesStart() != null) {
            problem = problem.with("salesStart", outcome.show().salesStart());
        }
        if (outcome.show().salesEnd() != null) {
            problem = problem.with("salesEnd", outcome.show().salesEnd());
        }
        return problem;
    }

    private static Problem invalid(InvalidRequest invalid) {
        Problem problem = Problem.of(ProblemType.INVALID_REQUEST, invalid.getMessage());
        if (!invalid.duplicateSeats().isEmpty()) {
            problem = problem.with("duplicateSeats", invalid.duplicateSeats());
        }
        if (invalid.field() != null) {
            problem = problem.with("errors",
                    List.of(Map.of("field", invalid.field(), "message", invalid.fieldMessage())));
        }
        if (!invalid.unknownSeats().isEmpty()) {
            problem = problem.with("unknownSeats", invalid.unknownSeats());
        }
        return problem;
    }
}
