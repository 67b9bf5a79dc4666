package io.seatbooking.platform;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Runs a background job again and again on the Vert.x timer: after each run it waits a jittered
 * interval (uniformly within +/-50% of the mean, so that replicas do not move in step), or runs
 * again at once when the job says there is more to do (a full batch). A failed run is logged and
 * retried after the next interval. Never blocks: the job is a {@link Uni}.
 */
public final class RepeatingJob {

    private static final Logger LOG = Logger.getLogger(RepeatingJob.class);

    private final Vertx vertx;
    private final String name;
    private final Duration meanInterval;
    private final Supplier<Uni<Boolean>> runOnce;
    private volatile boolean running;
    private volatile long timerId = -1;

    private RepeatingJob(Vertx vertx, String name, Duration meanInterval, Supplier<Uni<Boolean>> runOnce) {
        this.vertx = vertx;
        this.name = name;
        this.meanInterval = meanInterval;
        this.runOnce = runOnce;
    }

    /**
     * Starts the job; its first run comes after one jittered interval.
     *
     * @param runOnce one run; answers true when more work waits and the next run should come at once
     */
    public static RepeatingJob start(Vertx vertx, String name, Duration meanInterval, Supplier<Uni<Boolean>> runOnce) {
        RepeatingJob job = new RepeatingJob(vertx, name, meanInterval, runOnce);
        job.running = true;
        job.scheduleIn(job.jittered());
        return job;
    }

    public void stop() {
        running = false;
        vertx.cancelTimer(timerId);
    }

    private void scheduleIn(long millis) {
        if (!running) {
            return;
        }
        timerId = vertx.setTimer(Math.max(1, millis), id -> Uni.createFrom().deferred(runOnce::get).subscribe().with(
                more -> scheduleIn(Boolean.TRUE.equals(more) ? 1 : jittered()),
                failure -> {
                    LOG.warnf("%s failed, will try again: %s", name, failure.toString());
                    scheduleIn(jittered());
                }));
    }

    private long jittered() {
        return (long) (meanInterval.toMillis() * (0.5 + ThreadLocalRandom.current().nextDouble()));
    }
}
