package io.seatbooking.deadletter.rest;

import io.seatbooking.deadletter.FailureGroup;
import io.seatbooking.web.QueryParams;
import io.seatbooking.web.problem.ProblemException;
import io.seatbooking.web.problem.ProblemType;

/** The {@code by} query parameter of the summaries: {@code group}, {@code reason} or {@code messageType}. */
final class GroupBy {

    private GroupBy() {
    }

    static FailureGroup.By parse(String value) {
        if (value == null) {
            QueryParams.refuseEmpty("by");
            return FailureGroup.By.GROUP;
        }
        if (value.equals("group")) {
            return FailureGroup.By.GROUP;
        }
        return switch (value) {
            case "reason" -> FailureGroup.By.REASON;
            case "messageType" -> FailureGroup.By.MESSAGE_TYPE;
            default -> throw ProblemException.of(ProblemType.MALFORMED_REQUEST,
                    "by must be group, reason or messageType.");
        };
    }

    static String name(FailureGroup.By by) {
        return switch (by) {
            case GROUP -> "group";
            case REASON -> "reason";
            case MESSAGE_TYPE -> "messageType";
        };
    }
}
