package io.seatbooking.outbox.relay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The flow state of one replica's relay, and the decisions taken on it: which rows are in flight
 * (published and not yet both confirmed and marked), which rows of a claim may be sent, the
 * claim cursor and when a claim must be a full one, and the confirmed rows waiting to be marked.
 * A plain single-threaded class without I/O: the relay calls it from its one context, runs the
 * claims and marks it asks for, and reports back.
 *
 * <p><b>Order.</b> A row is sent only if the claim found no earlier pending row of its subject in
 * the table ({@link OutboxRow#heldBack}), no row of its subject is in flight and no earlier row of
 * its subject was passed over in the same claim; so at most one message per subject is ever
 * unconfirmed, and a subject's next row is sent only after its previous one was confirmed and
 * marked ({@link #marked}). The table's answer is what makes order hold whatever the window
 * forgot or never saw: a claim that ran while the subject's previous row failed and left the
 * window, a row that became visible after the cursor had passed its id. Likewise at most one row per event id is in flight, so that a broker
 * return, matched by message id, names one row.
 *
 * <p><b>Room.</b> At most {@code maxInFlight} messages await their broker's confirm, as in a
 * publisher's confirm window; a confirmed row waiting for its mark no longer counts against that
 * (its subject stays blocked until the mark), so that the mark's round trip does not idle the
 * window. Rows waiting for their mark are bounded too, by as many again: when marks fail or lag,
 * claiming stops rather than memory growing.
 *
 * <p><b>Claims.</b> One runs at a time; a wish to claim meanwhile runs it again right after. A
 * claim runs when the window has room, and, with work in flight, a useful amount of it (a
 * quarter of a batch): each claim leaves the rows in flight out, so many tiny claims cost more
 * than they carry. A full claim reads from the lowest pending id, leaving out the rows in flight;
 * otherwise a claim reads above the cursor (the highest id claimed) with nothing to leave out. A
 * claim is full first, after a row was passed over or a publish failed, again when a full claim
 * failed, and whenever the relay says a row may have appeared below the cursor
 * ({@link #claimFullNext}). A claim runs only when there may be something to find: a row may have
 * appeared (a NOTIFY, the fallback poll, a restart), one was passed over or failed, or the last
 * claim came back with as many rows as it asked for; a confirm or a mark alone claims nothing, so
 * that each committed event costs about one claim, not one for its NOTIFY and one for its mark.
 * While the last claim was filled (a backlog), room is looked for at each confirm
 * ({@link #backlogAboveCursor}), so that the window refills as it empties.
 *
 * @param <T> what the relay keeps about each message in flight
 */
final class RelayWindow<T> {

    /**
     * A claim to run: up to {@code limit} pending rows in id order, from the lowest leaving out
     * {@code exclude} when {@code full}, else above {@code after}.
     */
    record Claim(boolean full, long after, List<Long> exclude, int limit) {
    }

    /** Of a claim's rows, those to send now; and whether to claim again at once. */
    record Selection(List<OutboxRow> send, boolean claimAgain) {
    }

    private record InFlight<T>(String subject, UUID eventId, int partition, T attachment) {
    }

    private final int maxInFlight;
    private final int batchSize;
    private final Map<Long, InFlight<T>> inFlight = new HashMap<>();
    private final Set<String> busySubjects = new HashSet<>();
    private final Set<UUID> busyEvents = new HashSet<>();
    private final List<Long> confirmed = new ArrayList<>();
    private int beingMarked;
    private boolean claiming;
    private boolean claimAgain;
    private boolean fullClaimDue = true;
    private boolean moreAboveCursor;
    private long cursor;
    private boolean marking;

    RelayWindow(int maxInFlight, int batchSize) {
        this.maxInFlight = maxInFlight;
        this.batchSize = batchSize;
    }

    /** The relay role was gained: claim from the start. */
    void restart() {
        fullClaimDue = true;
        cursor = 0;
    }

    /** A row may have appeared below the cursor (a NOTIFY, the fallback poll): the next claim is full. */
    void claimFullNext() {
        fullClaimDue = true;
    }

    /**
     * The claim to run now, or empty: a claim is running (it runs again after), nothing may be
     * waiting, or no useful room (the wish stays for the next call).
     */
    Optional<Claim> nextClaim() {
        if (claiming) {
            claimAgain = true;
            return Optional.empty();
        }
        if (!fullClaimDue && !moreAboveCursor) {
            return Optional.empty();
        }
        int unconfirmed = inFlight.size() - confirmed.size() - beingMarked;
        int room = Math.min(maxInFlight - unconfirmed, 2 * maxInFlight - inFlight.size());
        if (room <= 0 || (!inFlight.isEmpty() && room < Math.max(1, batchSize / 4))) {
            return Optional.empty();
        }
        int limit = Math.min(batchSize, room);
        claiming = true;
        claimAgain = false;
        boolean full = fullClaimDue;
        fullClaimDue = false;
        moreAboveCursor = false;
        return Optional.of(full ? new Claim(true, 0, List.copyOf(inFlight.keySet()), limit)
                : new Claim(false, cursor, List.of(), limit));
    }

    /**
     * The last claim came back with as many rows as it asked for: more rows may wait above the
     * cursor, and room in the window is worth a claim at once.
     */
    boolean backlogAboveCursor() {
        return moreAboveCursor;
    }

    /** The claim's answer will not be acted on: it failed, or the role was lost meanwhile. */
    void claimDiscarded(Claim claim) {
        claiming = false;
        fullClaimDue |= claim.full();
        moreAboveCursor |= !claim.full();
    }

    /** What the claim answered: the rows to send now, each to be reported {@link #sent}. */
    Selection claimed(Claim claim, List<OutboxRow> rows) {
        claiming = false;
        Set<String> subjects = new HashSet<>();
        Set<UUID> events = new HashSet<>();
        List<OutboxRow> send = new ArrayList<>(rows.size());
        for (OutboxRow row : rows) {
            cursor = Math.max(cursor, row.id());
            // A passed-over row holds back the later rows of its subject in this claim too; the
            // next full claim finds them all again.
            boolean firstOfSubject = subjects.add(row.subject());
            if (row.heldBack() || !firstOfSubject || busySubjects.contains(row.subject()) || busyEvents.contains(row.eventId())
                    || !events.add(row.eventId())) {
                fullClaimDue = true;
                continue;
            }
            send.add(row);
        }
        boolean filled = rows.size() == claim.limit();
        moreAboveCursor |= filled;
        return new Selection(send, claimAgain || (filled && !send.isEmpty()));
    }

    /** The row was handed to the publisher. */
    void sent(OutboxRow row, T attachment) {
        inFlight.put(row.id(), new InFlight<>(row.subject(), row.eventId(), row.partition(), attachment));
        busySubjects.add(row.subject());
        busyEvents.add(row.eventId());
    }

    /**
     * The broker confirmed the row: it waits to be marked, its subject still blocked. Answers
     * what was kept about it, empty when it is no longer in flight.
     */
    Optional<T> confirmed(long id) {
        InFlight<T> sent = inFlight.get(id);
        if (sent == null) {
            return Optional.empty();
        }
        confirmed.add(id);
        return Optional.of(sent.attachment());
    }

    /**
     * Publishing the row failed: it leaves the window (it stays pending in the table) and the
     * next claim is full. Answers what was kept about it, empty when it was no longer in flight.
     */
    Optional<T> failed(long id) {
        InFlight<T> sent = release(id);
        if (sent == null) {
            return Optional.empty();
        }
        fullClaimDue = true;
        return Optional.of(sent.attachment());
    }

    /** The confirmed rows to mark now, all in one statement; empty while a mark runs or none waits. */
    Optional<List<Long>> startMark() {
        if (marking || confirmed.isEmpty()) {
            return Optional.empty();
        }
        marking = true;
        List<Long> batch = List.copyOf(confirmed);
        confirmed.clear();
        beingMarked = batch.size();
        return Optional.of(batch);
    }

    /** The batch is marked published: its rows leave the window and their subjects are free. */
    void marked(List<Long> batch) {
        marking = false;
        beingMarked = 0;
        batch.forEach(this::release);
    }

    /**
     * Marking the batch failed. With {@code again}, its rows wait to be marked in a later batch,
     * their subjects still blocked (were they published again, that would only be a duplicate).
     */
    void markFailed(List<Long> batch, boolean again) {
        marking = false;
        beingMarked = 0;
        if (again) {
            confirmed.addAll(batch);
        }
    }

    /** The role was lost: forget every row in flight or waiting to be marked. */
    void clear() {
        inFlight.clear();
        busySubjects.clear();
        busyEvents.clear();
        confirmed.clear();
        beingMarked = 0;
    }

    /** The partitions with a row in flight, waiting to be marked or being marked. */
    Set<Integer> busyPartitions() {
        Set<Integer> busy = new HashSet<>();
        for (InFlight<T> sent : inFlight.values()) {
            busy.add(sent.partition());
        }
        return busy;
    }

    /** Nothing is in flight, waiting to be marked or being marked. */
    boolean isDrained() {
        return inFlight.isEmpty() && confirmed.isEmpty() && !marking;
    }

    private InFlight<T> release(long id) {
        InFlight<T> sent = inFlight.remove(id);
        if (sent != null) {
            busySubjects.remove(sent.subject());
            busyEvents.remove(sent.eventId());
        }
        return sent;
    }
}
