package io.seatbooking.reliability;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What the clients learnt from the API: every booking it answered 201 for, with the statuses it
 * may now be in, every hold whose outcome the client could not know (connection reset, 5xx,
 * no answer), and every call with its timing and status.
 */
final class Ledger {

    enum Status { HELD, CONFIRMED, CANCELLED }

    enum Kind { SHOW, HOLD, CONFIRM, CANCEL, PAYMENT }

    /**
     * One HTTP call. status: the HTTP status, or {@link #NO_ANSWER} (the connection failed after
     * the request may have reached the service), {@link #TIMED_OUT} or {@link #REFUSED}. problem:
     * the body of a 5xx answer (its problem type and detail, so that a report can say which one),
     * else empty.
     */
    record Call(Kind kind, long startMillis, long endMillis, int status, String problem) {
        boolean unknownOutcome() {
            return status == NO_ANSWER || status == TIMED_OUT || status >= 500;
        }
    }

    static final int NO_ANSWER = -1;
    static final int TIMED_OUT = -2;
    /** The connection was refused: the request reached no service. */
    static final int REFUSED = -3;

    /** A booking the API answered 201 for. */
    static final class Known {
        final String id;
        final String customer;
        final String showId;
        final List<String> seats;
        final Set<Status> allowed = EnumSet.of(Status.HELD);
        volatile boolean uncertain;

        Known(String id, String customer, String showId, List<String> seats) {
            this.id = id;
            this.customer = customer;
            this.showId = showId;
            this.seats = seats;
        }

        synchronized void settled(Status status) {
            allowed.clear();
            allowed.add(status);
        }

        /** The change may or may not have committed. */
        synchronized void maybe(Status status) {
            allowed.add(status);
            uncertain = true;
        }

        synchronized Set<Status> allowed() {
            return EnumSet.copyOf(allowed);
        }
    }

    /** A hold whose outcome the client could not know, by its (unique) customer. */
    record UncertainHold(String customer, String showId, List<String> seats) {
    }

    private final Map<String, Known> known = new ConcurrentHashMap<>();
    private final Map<String, UncertainHold> uncertainHolds = new ConcurrentHashMap<>();
    private final Queue<Call> calls = new ConcurrentLinkedQueue<>();
    private final Set<String> shows = ConcurrentHashMap.newKeySet();

    void call(Call call) {
        calls.add(call);
    }

    Known held(String id, String customer, String showId, List<String> seats) {
        Known k = new Known(id, customer, showId, seats);
        known.put(id, k);
        return k;
    }

    void uncertainHold(String customer, String showId, List<String> seats) {
        uncertainHolds.put(customer, new UncertainHold(customer, showId, seats));
    }

    void show(String id) {
        shows.add(id);
    }

    Map<String, Known> known() {
        return Map.copyOf(known);
    }

    Map<String, UncertainHold> uncertainHolds() {
        return Map.copyOf(uncertainHolds);
    }

    List<Call> calls() {
        return new ArrayList<>(calls);
    }

    Set<String> shows() {
        return Set.copyOf(shows);
    }

    /** When the first hold sent at or after {@code millis} was answered 201, or -1. */
    long firstHoldCreatedAfter(long millis) {
        return calls.stream().filter(c -> c.kind() == Kind.HOLD && c.status() == 201 && c.startMillis() >= millis)
                .mapToLong(Call::endMillis).min().orElse(-1);
    }
}
