package io.seatbooking.reliability;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Small helpers the scenarios share: suite size and waiting for workload progress. */
final class Scenarios {

    private Scenarios() {
    }

    /** Whether the long variant runs ({@code -Dreliability.full=true}). */
    static boolean full() {
        return Boolean.getBoolean("reliability.full");
    }

    static int size(int ci, int full) {
        return full() ? full : ci;
    }

    /** Waits until the clients got {@code more} further 201 holds; fails after {@code timeout}. */
    static void awaitMoreHolds(Ledger ledger, int more, Duration timeout) throws InterruptedException {
        int target = ledger.known().size() + more;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ledger.known().size() < target) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("The workload made no progress: " + ledger.known().size() + " of " + target
                        + " holds after " + timeout);
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /** Lets the workload run against the fault for a while: the fault's duration, not a synchronisation. */
    static void hold(Duration faultDuration) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(faultDuration.toMillis());
    }
}
