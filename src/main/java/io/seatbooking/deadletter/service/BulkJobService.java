package io.seatbooking.deadletter.service;

import java.util.List;
import java.util.UUID;

import jakarta.inject.Singleton;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;

import io.seatbooking.db.BeforeCommit;
import io.seatbooking.deadletter.BulkJob;
import io.seatbooking.deadletter.DeadLetterConfig;
import io.seatbooking.deadletter.LetterFilter;
import io.seatbooking.deadletter.repository.BulkJobRepository;
import io.seatbooking.deadletter.service.DeadLetterOutcome.InvalidBulkRequest;
import io.seatbooking.deadletter.service.DeadLetterOutcome.InvalidListing;
import io.seatbooking.deadletter.service.DeadLetterOutcome.JobFinished;
import io.seatbooking.deadletter.service.DeadLetterOutcome.JobNotFound;
import io.seatbooking.security.Caller;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Bulk replay and discard: the preview count, starting a job (its audit record), its progress,
 * the list of jobs, and cancelling one. The work itself is the {@link BulkJobRunner}'s.
 */
@Singleton
public class BulkJobService {

    private static final TimeBasedEpochGenerator IDS = Generators.timeBasedEpochGenerator();

    private final Pool pool;
    private final BulkJobRepository jobs;
    private final BulkJobRunner runner;
    private final DeadLetterConfig config;

    public BulkJobService(Pool pool, BulkJobRepository jobs, BulkJobRunner runner, DeadLetterConfig config) {
        this.pool = pool;
        this.jobs = jobs;
        this.runner = runner;
        this.config = config;
    }

    /** A preview: how many letters a job with this filter would act on now, and at what rate. */
    public record Preview(BulkJob.Action action, LetterFilter filter, int matched, int ratePerSecond) {
    }

    /**
     * @throws InvalidBulkRequest when the filter is empty or its time range is impossible
     */
    public Uni<Preview> preview(BulkJob.Action action, LetterFilter filter) {
        validate(filter);
        return pool.withConnection(c -> jobs.countInScope(c, filter, null))
                .map(matched -> new Preview(action, filter, matched, rate(action)));
    }

    /**
     * Starts a job on the PARKED letters matching {@code filter} now; {@code hook} runs in the
     * transaction that stores the job (the idempotent response). A job that matched nothing is
     * stored COMPLETED: the audit shows the attempt.
     *
     * @throws InvalidBulkRequest when the filter is empty or its time range is impossible
     */
    public Uni<BulkJob> start(Caller caller, BulkJob.Action action, LetterFilter filter, BeforeCommit<BulkJob> hook) {
        validate(filter);
        UUID id = IDS.generate();
        return pool.withTransaction(tx -> jobs.now(tx)
                .chain(snapshot -> jobs.countInScope(tx, filter, snapshot)
                        .chain(matched -> jobs.insert(tx, id, action, filter, caller.id(), snapshot, matched,
                                rate(action))))
                .call(job -> hook.run(tx, job)))
                .invoke(runner::wake);
    }

    public Uni<BulkJob> get(UUID id) {
        return jobs.find(id).map(found -> found.orElseThrow(() -> new JobNotFound(id)));
    }

    /** Jobs, newest first (the audit trail), with their total. */
    public Uni<Page> list(int page, Integer size) {
        int pageSize = size == null ? config.defaultPageSize() : size;
        if (page < 0 || pageSize < 1 || pageSize > config.maxPageSize()) {
            throw new InvalidListing("page must be 0 or more and size between 1 and " + config.maxPageSize() + ".");
        }
        return jobs.list(page, pageSize).chain(items -> jobs.count().map(total -> new Page(items, page, pageSize, total)));
    }

    /** One page of jobs. */
    public record Page(List<BulkJob> items, int page, int size, long totalItems) {
    }

    /**
     * Stops a RUNNING job after its current batch; what it resolved stays resolved.
     *
     * @throws DeadLetterOutcome {@link JobNotFound} unknown; {@link JobFinished} completed or cancelled
     */
    public Uni<BulkJob> cancel(UUID id) {
        return jobs.cancel(id).chain(cancelled -> cancelled.isPresent() ? Uni.createFrom().item(cancelled.get())
                : get(id).map(job -> {
                    throw new JobFinished(id, job.status().name());
                }));
    }

    private int rate(BulkJob.Action action) {
        return action == BulkJob.Action.REPLAY ? config.bulk().replayRate() : config.bulk().discardRate();
    }

    private static void validate(LetterFilter filter) {
        if (filter.isEmpty()) {
            throw new InvalidBulkRequest("A bulk action needs a filter: a group, reason, message type, routing key "
                    + "or time range.");
        }
        if (filter.from() != null && filter.to() != null && !filter.from().isBefore(filter.to())) {
            throw new InvalidBulkRequest("from must be before to.");
        }
    }
}
