package io.seatbooking.queue.rest;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.seatbooking.queue.QueueOutcome;
import io.seatbooking.web.problem.Problem;
import io.seatbooking.web.problem.ProblemResponses;
import io.seatbooking.web.problem.ProblemType;

/** The HTTP answer to each waiting room outcome, on the queue's endpoints and on holds. */
public class QueueProblems {

    @ServerExceptionMapper
    public Response outcome(QueueOutcome outcome) {
        String detail = outcome.getMessage();
        Problem problem = switch (outcome) {
            case QueueOutcome.NoWaitingRoom o -> Problem.of(ProblemType.WAITING_ROOM_NOT_FOUND, detail);
            case QueueOutcome.NotInQueue o -> Problem.of(ProblemType.QUEUE_TICKET_NOT_FOUND, detail)
                    .with("join", queue(o));
            case QueueOutcome.AlreadyOpened o -> Problem.of(ProblemType.WAITING_ROOM_OPENED, detail);
            case QueueOutcome.Closed o -> Problem.of(ProblemType.QUEUE_CLOSED, detail);
            case QueueOutcome.UnknownShow o -> Problem.of(ProblemType.SHOW_NOT_FOUND, detail);
            case QueueOutcome.AdmissionRequired o -> Problem.of(ProblemType.ADMISSION_REQUIRED, detail)
                    .with("join", queue(o));
        };
        return ProblemResponses.of(problem);
    }

    private static String queue(QueueOutcome outcome) {
        return "/api/shows/" + outcome.showId() + "/queue";
    }
}
