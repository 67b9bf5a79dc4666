package io.seatbooking.deadletter.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.seatbooking.deadletter.BulkJob;
import io.seatbooking.deadletter.DeadLetter;
import io.seatbooking.deadletter.DeadLetterConfig;
import io.seatbooking.deadletter.DeadLetterMetrics;
import io.seatbooking.deadletter.repository.BulkJobRepository;
import io.seatbooking.messaging.RabbitConnections;
import io.seatbooking.outbox.OutboxMessage;
import io.seatbooking.outbox.OutboxWriter;
import io.smallrye.mutiny.Uni;
import io.seatbooking.platform.Detached;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Works through bulk jobs, one batch per transaction: it locks the next PARKED letters of the
 * job's scope, resolves them, appends their replays to the outbox and adds the batch to the job's
 * progress, all or nothing. Between batches it pauses as the job's {@link Throttle} says. A
 * replica claims a job with a lease; after a crash the job is taken over (by the restarted
 * replica or another) once the lease ran out, and goes on from its last committed batch.
 */
@Singleton
public class BulkJobRunner {

    private static final Logger LOG = Logger.getLogger(BulkJobRunner.class);
    private static final long JOB_DONE = -1;

    private final Pool pool;
    private final BulkJobRepository jobs;
    private final OutboxWriter outbox;
    private final ReplayMessages replays;
    private final DeadLetterMetrics metrics;
    private final DeadLetterConfig.Bulk config;
    private final MeterRegistry registry;
    private final Vertx vertx;
    private final String owner;
    private final Map<UUID, Throttle> throttles = new ConcurrentHashMap<>();
    private volatile boolean running;
    // At most one tick is pending or running: wake() only brings a pending one forward.
    private boolean scheduled;
    private long timerId = -1;

    public BulkJobRunner(Pool pool, BulkJobRepository jobs, OutboxWriter outbox, ReplayMessages replays,
            DeadLetterMetrics metrics, DeadLetterConfig config, MeterRegistry registry, Vertx vertx,
            RabbitConnections connections) {
        this.pool = pool;
        this.jobs = jobs;
        this.outbox = outbox;
        this.replays = replays;
        this.metrics = metrics;
        this.config = config.bulk();
        this.registry = registry;
        this.vertx = vertx;
        // Unique per process: a restarted replica takes its old jobs over only once their lease ran out.
        this.owner = connections.instance() + "/" + UUID.randomUUID().toString().substring(0, 8);
        // Registered at start with every action, so that the series exist before the first bulk job.
        for (BulkJob.Action action : BulkJob.Action.values()) {
            resolvedCounter(action);
        }
    }

    private Counter resolvedCounter(BulkJob.Action action) {
        return Counter.builder("dead_letters.bulk.resolved").tag("action", action.name().toLowerCase())
                .description("Dead letters resolved by bulk jobs").register(registry);
    }

    void start(@Observes StartupEvent event) {
        if (config.enabled()) {
            running = true;
            schedule(config.pollInterval().toMillis());
        }
    }

    synchronized void stop(@Observes ShutdownEvent event) {
        running = false;
        vertx.cancelTimer(timerId);
    }

    /**
     * Looks for work at once (after a job was created), unless a batch is running now. Called from
     * a request: the work runs outside the request's context ({@link Detached}).
     */
    public void wake() {
        Detached.run(this::wakeHere);
    }

    private synchronized void wakeHere() {
        if (running && scheduled && vertx.cancelTimer(timerId)) {
            scheduled = false;
            schedule(1);
        }
    }

    private synchronized void schedule(long millis) {
        if (running && !scheduled) {
            scheduled = true;
            timerId = vertx.setTimer(Math.max(1, millis), id -> {
                synchronized (this) {
                    scheduled = false;
                }
                tick();
            });
        }
    }

    private void tick() {
        jobs.claim(owner, config.leaseTtl())
                .chain(job -> job.isPresent() ? runBatch(job.get())
                        : Uni.createFrom().item(config.pollInterval().toMillis()))
                .subscribe().with(this::schedule, failure -> {
                    LOG.warnf("A bulk job batch failed, will try again: %s", failure.toString());
                    schedule(config.pollInterval().toMillis());
                });
    }

    /** One batch; answers the pause before the next. */
    private Uni<Long> runBatch(BulkJob job) {
        Throttle throttle = throttles.computeIfAbsent(job.id(), id -> new Throttle(job.ratePerSecond()));
        long started = System.currentTimeMillis();
        return pool.withTransaction(tx -> jobs.nextBatch(tx, job, throttle.batchSize(config.batchSize()))
                .chain(batch -> batch.isEmpty() ? Uni.createFrom().item(JOB_DONE) : resolve(tx, job, batch)))
                .chain(resolved -> {
                    if (resolved == JOB_DONE) {
                        return completeIfDone(job);
                    }
                    resolvedCounter(job.action()).increment(resolved);
                    metrics.refresh();
                    return Uni.createFrom().item(throttle.pauseAfter((int) (long) resolved, started,
                            System.currentTimeMillis()));
                });
    }

    /**
     * An empty batch may only mean that another transaction holds the last letters (SKIP LOCKED):
     * the job completes only when a plain count sees none of its scope PARKED.
     */
    private Uni<Long> completeIfDone(BulkJob job) {
        return pool.withConnection(c -> jobs.countInScope(c, job.filter(), job.snapshotAt())).chain(left -> {
            if (left > 0) {
                return Uni.createFrom().item(config.pollInterval().toMillis());
            }
            throttles.remove(job.id());
            return jobs.complete(job.id(), owner).invoke(done -> {
                if (done) {
                    LOG.infof("Bulk %s job %s completed", job.action(), job.id());
                }
            }).replaceWith(1L);
        });
    }

    private Uni<Long> resolve(SqlConnection tx, BulkJob job, List<DeadLetter> batch) {
        UUID[] ids = new UUID[batch.size()];
        UUID[] eventIds = new UUID[batch.size()];
        List<OutboxMessage> messages = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            DeadLetter letter = batch.get(i);
            ids[i] = letter.id();
            if (job.action() == BulkJob.Action.REPLAY) {
                eventIds[i] = ReplayMessages.messageId(letter.message());
                messages.add(replays.message(letter, eventIds[i], job.requestedBy()));
            }
        }
        return jobs.resolve(tx, job, ids, eventIds)
                .call(() -> outbox.append(tx, messages))
                .call(resolved -> jobs.advance(tx, job.id(), owner, resolved, config.leaseTtl()).invoke(held -> {
                    if (!held) {
                        // Cancelled, or another replica took the job over: roll this batch back.
                        throw new IllegalStateException("bulk job " + job.id() + " is no longer this replica's");
                    }
                }))
                .map(Integer::longValue);
    }
}
