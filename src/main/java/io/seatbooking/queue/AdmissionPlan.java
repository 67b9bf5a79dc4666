package io.seatbooking.queue;

import java.time.Duration;
import java.time.Instant;

/**
 * How many customers one admitter tick lets in, and what it records: a plain decision without
 * I/O. A tick admits the next positions in order, as many as all of these allow: the free slots
 * ({@code maxAdmitted} minus the customers admitted and not yet expired or done), the rate budget
 * (the configured ceiling times the time since the budget was last spent, at most one second's
 * worth, so an idle room does not save up a burst), the seats still available, and the positions
 * given out. While the write path sheds requests for lack of capacity, a tick admits nobody and
 * saves no budget: the room admits at the rate the write path can take, the ceiling being only
 * the most it ever admits. The budget's remainder is carried: {@code budgetSpentUpTo} moves by exactly the time
 * the admitted customers used up.
 */
public final class AdmissionPlan {

    /** What the tick does: admit positions up to {@code admitUpTo}, record the budget and rate. */
    public record Decision(long admitUpTo, int admitted, Instant budgetSpentUpTo, boolean soldOut) {
    }

    /** The room as the tick found it. */
    public record RoomNow(long admittedUpTo, long lastPosition, Instant budgetSpentUpTo, int activeAdmissions,
            int availableSeats, int unsoldSeats, boolean writePathShedding) {
    }

    private final int ceilingPerSecond;
    private final int maxAdmitted;

    public AdmissionPlan(int ceilingPerSecond, int maxAdmitted) {
        if (ceilingPerSecond < 1 || maxAdmitted < 1) {
            throw new IllegalArgumentException("the admission ceiling and the slots must be positive");
        }
        this.ceilingPerSecond = ceilingPerSecond;
        this.maxAdmitted = maxAdmitted;
    }

    public Decision decide(RoomNow room, Instant now) {
        if (room.unsoldSeats() == 0) {
            return new Decision(room.admittedUpTo(), 0, now, true);
        }
        Instant since = room.budgetSpentUpTo() == null || room.budgetSpentUpTo().isBefore(now.minusSeconds(1))
                ? now.minusSeconds(1) : room.budgetSpentUpTo();
        long elapsedNanos = Math.max(0, Duration.between(since, now).toNanos());
        long budget = elapsedNanos * ceilingPerSecond / 1_000_000_000L;
        long slots = Math.max(0, maxAdmitted - room.activeAdmissions());
        long waiting = Math.max(0, room.lastPosition() - room.admittedUpTo());
        long admit = room.availableSeats() == 0 || room.writePathShedding() ? 0
                : Math.min(Math.min(budget, slots), waiting);
        Instant spent = admit == budget ? since.plusNanos(admit * 1_000_000_000L / ceilingPerSecond)
                : now; // limited by something else: the unused budget is not saved up
        return new Decision(room.admittedUpTo() + admit, (int) admit, spent, false);
    }
}
