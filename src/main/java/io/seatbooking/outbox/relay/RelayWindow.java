package io.seatbooking.outbox.relay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntPredicate;
import java.util.stream.Stream;

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
 * window, a row that became visible after the cursor had passed its id. Likewise at most one row
 * per event id is in flight, so that a broker return, matched by message id, names one row.
 *
 * <p><b>Room.</b> At most {@code maxInFlight} messages await their broker's confirm, as in a
 * publisher's confirm window; a confirmed row waiting for its mark no longer counts against that
 * (its subject stays blocked until the mark), so that the mark's round trip does not idle the
 * window. Rows waiting for their mark are bounded too, by as many again: when marks fail or lag,
 * claiming stops rather than memory growing.
 *
 * <p><b>Ready rows.</b> A claim may bring back more rows than the confirm window has room for, up
 * to one batch more: those are selected like the others (their subjects blocked) and wait, in id
 * order, until confirms make room ({@link #sendable}). So while a claim runs, the window is
 * refilled from what the previous one brought, instead of emptying by the claim's round trip (a
 * drain kept about two thirds of the window busy without this). A ready row is sent only if its
 * partition is still held then; one that is not, or one forgotten at a stop, stays pending and
 * makes the next claim full.
 *
 * <p><b>Claims.</b> One runs at a time; a wish to claim meanwhile runs it again right after. A
 * claim runs when the window has room, and, with work in flight, a useful amount of it (a
 * quarter of a batch): each claim leaves the rows in flight out, so many tiny claims cost more
 * than they carry. A claim reads above the cursor (the highest id claimed) with nothing to leave
 * out, unless a row may be pending below it: then it reads from a floor, leaving out the rows in
 * flight above the floor. The floor is the lowest pending id (a full claim) first, after a publish
 * failed, and whenever the relay says a row may have appeared below the cursor ({@link
 * #claimFullNext}: a NOTIFY, the poll); it is just below a row passed over, or below the lowest
 * row a commit of this replica wrote ({@link #claimFrom}), so that under a stream of commits a
 * claim does not step over every row in flight each time. A claim runs only when there may be
 * something to find: a row may have appeared (a NOTIFY, the fallback poll, a restart), one was
 * passed over or failed, or the last claim came back with as many rows as it asked for; a confirm
 * or a mark alone claims nothing, so that each committed event costs about one claim, not one for
 * its NOTIFY and one for its mark.
 * While a claim may find rows (a backlog, say), room is looked for at each confirm
 * ({@link #mayFindRows}), so that the window refills as it empties.
 *
 * @param <T> what the relay keeps about each message in flight
 */
final class RelayWindow<T> {

    /**
     * A claim to run: up to {@code limit} pending rows in id order above {@code after}, leaving
     * out {@code exclude}; {@code full} when it reads below the cursor (from the lowest pending
     * id when {@code after} is 0).
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
    private final Map<Long, OutboxRow> ready = new LinkedHashMap<>();
    private final Set<String> busySubjects = new HashSet<>();
    private final Set<UUID> busyEvents = new HashSet<>();
    private final List<Long> confirmed = new ArrayList<>();
    private int beingMarked;
    private boolean claiming;
    private boolean claimAgain;
    /** No claim below the cursor is due. */
    private static final long NO_FLOOR = Long.MAX_VALUE;
    /** The next claim reads the ids above this one (when below the cursor); 0: a full claim. */
    private long floor = 0;
    private boolean moreAboveCursor;
    private long cursor;
    private boolean marking;

    RelayWindow(int maxInFlight, int batchSize) {
        this.maxInFlight = maxInFlight;
        this.batchSize = batchSize;
    }

    /** The relay role was gained: claim from the start. */
    void restart() {
        floor = 0;
        cursor = 0;
    }

    /** A row may have appeared below the cursor (a NOTIFY, the fallback poll): the next claim is full. */
    void claimFullNext() {
        floor = 0;
    }

    /**
     * A transaction of this replica committed rows, the lowest of them {@code lowestId}: the next
     * claim reads from there, or from the cursor if that is lower. (Its transaction may have
     * taken its ids before others that committed first, so they may lie below the cursor.)
     */
    void claimFrom(long lowestId) {
        floor = Math.min(floor, lowestId - 1);
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
        if (!mayFindRows()) {
            return Optional.empty();
        }
        int held = inFlight.size() + ready.size();
        int room = Math.min(maxInFlight + batchSize - unconfirmed() - ready.size(), 2 * maxInFlight + batchSize - held);
        if (room <= 0 || (held > 0 && room < Math.max(1, batchSize / 4))) {
            return Optional.empty();
        }
        int limit = Math.min(batchSize, room);
        claiming = true;
        claimAgain = false;
        long after = Math.min(floor, cursor);
        boolean belowCursor = floor <= cursor;
        floor = NO_FLOOR;
        moreAboveCursor = false;
        // Above the cursor nothing is in flight, unless the role was gained again meanwhile.
        List<Long> exclude = Stream.concat(inFlight.keySet().stream(), ready.keySet().stream())
                .filter(id -> id > after)
                .toList();
        return Optional.of(new Claim(belowCursor || !exclude.isEmpty(), after, exclude, limit));
    }

    /**
     * Whether a claim may find rows: one may have appeared, one was passed over or failed, or
     * the last claim came back with as many rows as it asked for (a backlog above the cursor).
     * Room in the window is then worth a claim at once; otherwise it is not.
     */
    boolean mayFindRows() {
        return floor != NO_FLOOR || moreAboveCursor;
    }

    /** The claim's answer will not be acted on: it failed, or the role was lost meanwhile. */
    void claimDiscarded(Claim claim) {
        claiming = false;
        if (claim.full()) {
            floor = Math.min(floor, claim.after());
        } else {
            moreAboveCursor = true;
        }
    }

    /**
     * What the claim answered: the rows to send now, each to be reported {@link #sent}; the rows
     * selected beyond the confirm window's room are ready, for {@link #sendable}.
     */
    Selection claimed(Claim claim, List<OutboxRow> rows) {
        claiming = false;
        long cursorBefore = cursor;
        Set<String> subjects = new HashSet<>();
        Set<UUID> events = new HashSet<>();
        boolean selected = false;
        for (OutboxRow row : rows) {
            cursor = Math.max(cursor, row.id());
            // A passed-over row holds back the later rows of its subject in this claim too; the
            // next claim reads from just below it and finds them all again. Held back by an
            // earlier pending row this window does not hold, it waits for a full claim, which
            // finds that row wherever it is.
            boolean firstOfSubject = subjects.add(row.subject());
            boolean subjectBusy = !firstOfSubject || busySubjects.contains(row.subject());
            if (row.heldBack() || subjectBusy || busyEvents.contains(row.eventId()) || !events.add(row.eventId())) {
                floor = row.heldBack() && !subjectBusy ? 0 : Math.min(floor, row.id() - 1);
                continue;
            }
            ready.put(row.id(), row);
            busySubjects.add(row.subject());
            busyEvents.add(row.eventId());
            selected = true;
        }
        boolean filled = rows.size() == claim.limit();
        moreAboveCursor |= filled;
        if (filled && claim.full() && !rows.isEmpty() && rows.get(rows.size() - 1).id() < cursorBefore) {
            // It stopped at its limit below the cursor: the rows between are for the next claim.
            floor = Math.min(floor, rows.get(rows.size() - 1).id());
        }
        return new Selection(sendable(partition -> true), claimAgain || (filled && selected));
    }

    /**
     * The ready rows to send now, oldest first, as far as the confirm window has room; each is to
     * be reported {@link #sent}. Ready rows of partitions not {@code held} any more are forgotten.
     */
    List<OutboxRow> sendable(IntPredicate held) {
        int room = maxInFlight - unconfirmed();
        List<OutboxRow> send = new ArrayList<>(Math.max(0, Math.min(room, ready.size())));
        for (Iterator<OutboxRow> rows = ready.values().iterator(); rows.hasNext() && send.size() < room;) {
            OutboxRow row = rows.next();
            rows.remove();
            if (held.test(row.partition())) {
                send.add(row);
            } else {
                unblock(row.subject(), row.eventId());
                floor = 0;
            }
        }
        return send;
    }

    /**
     * Forgets the ready rows of the partitions that {@code gone} names (all of them at a stop):
     * they stay pending, and the next claim is full.
     */
    void forgetReady(IntPredicate gone) {
        for (Iterator<OutboxRow> rows = ready.values().iterator(); rows.hasNext();) {
            OutboxRow row = rows.next();
            if (gone.test(row.partition())) {
                rows.remove();
                unblock(row.subject(), row.eventId());
                floor = 0;
            }
        }
    }

    /** The row, selected by a claim, was handed to the publisher. */
    void sent(OutboxRow row, T attachment) {
        inFlight.put(row.id(), new InFlight<>(row.subject(), row.eventId(), row.partition(), attachment));
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
        floor = 0;
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

    /**
     * The subject of a row in flight, waiting to be marked or being marked; empty for any other
     * row (its mark then finds nothing, and it is published again: a duplicate, never a loss).
     */
    String subjectOf(long id) {
        InFlight<T> sent = inFlight.get(id);
        return sent == null ? "" : sent.subject();
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

    /** The role was lost: forget every row ready, in flight or waiting to be marked. */
    void clear() {
        ready.clear();
        inFlight.clear();
        busySubjects.clear();
        busyEvents.clear();
        confirmed.clear();
        beingMarked = 0;
    }

    /** The partitions with a row ready, in flight, waiting to be marked or being marked. */
    Set<Integer> busyPartitions() {
        Set<Integer> busy = new HashSet<>();
        for (InFlight<T> sent : inFlight.values()) {
            busy.add(sent.partition());
        }
        for (OutboxRow row : ready.values()) {
            busy.add(row.partition());
        }
        return busy;
    }

    /** Nothing is ready, in flight, waiting to be marked or being marked. */
    boolean isDrained() {
        return ready.isEmpty() && inFlight.isEmpty() && confirmed.isEmpty() && !marking;
    }

    private int unconfirmed() {
        return inFlight.size() - confirmed.size() - beingMarked;
    }

    private InFlight<T> release(long id) {
        InFlight<T> sent = inFlight.remove(id);
        if (sent != null) {
            unblock(sent.subject(), sent.eventId());
        }
        return sent;
    }

    private void unblock(String subject, UUID eventId) {
        busySubjects.remove(subject);
        busyEvents.remove(eventId);
    }
}
