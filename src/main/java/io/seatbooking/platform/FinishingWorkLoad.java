package io.seatbooking.platform;

/**
 * What background work that finishes bookings already begun (the payments consumer confirming
 * and cancelling holds) tells the write path's admission control: for how long that work has had
 * a backlog. While it has, the write path gives it room by shedding more new holds
 * (docs/operations.md, "Overload"): a payment that waits risks its hold expiring under a customer
 * who has paid.
 */
public interface FinishingWorkLoad {

    /** Nanoseconds since start during which the work had a backlog; only grows. */
    long backlogNanos();
}
