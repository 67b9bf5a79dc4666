package io.seatbooking.web.admission;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds how many admitted requests one customer may have running at once: a share of the
 * current limit, at least one. Plain bookkeeping, safe for concurrent use: an entry exists only
 * while the customer has requests running.
 */
public final class CustomerShare {

    private final double share;
    private final ConcurrentHashMap<String, Integer> running = new ConcurrentHashMap<>();

    public CustomerShare(double share) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("share must be in (0, 1]: " + share);
        }
        this.share = share;
    }

    /** The most requests one customer may run under {@code limit}. */
    public int allowance(int limit) {
        return Math.max(1, (int) Math.floor(limit * share));
    }

    /** Counts one more request of {@code customer} if its allowance under {@code limit} permits. */
    public boolean tryEnter(String customer, int limit) {
        int allowance = allowance(limit);
        boolean[] entered = { false };
        running.compute(customer, (key, count) -> {
            int now = count == null ? 0 : count;
            if (now >= allowance) {
                return count;
            }
            entered[0] = true;
            return now + 1;
        });
        return entered[0];
    }

    /** One request of {@code customer} ended. */
    public void leave(String customer) {
        running.computeIfPresent(customer, (key, count) -> count <= 1 ? null : count - 1);
    }

    /** Requests of {@code customer} running now. */
    public int running(String customer) {
        return running.getOrDefault(customer, 0);
    }
}
