package io.seatbooking.deadletter.retry;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the failed messages of one work queue are retried, as its consumer configures it: the
 * queue (named in the failure headers, and the way back from its delay queues), the delay before
 * each retry in order (a message that fails once more after the last is parked), and how long a
 * republish may wait for the broker's confirm.
 */
public record RetryPolicy(String workQueue, List<Duration> delays, Duration confirmTimeout) {

    public RetryPolicy {
        Objects.requireNonNull(workQueue, "workQueue");
        Objects.requireNonNull(confirmTimeout, "confirmTimeout");
        delays = List.copyOf(delays);
    }
}
