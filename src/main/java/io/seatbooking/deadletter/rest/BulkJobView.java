package io.seatbooking.deadletter.rest;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.seatbooking.deadletter.BulkJob;
import io.seatbooking.deadletter.LetterFilter;
import io.seatbooking.deadletter.service.BulkJobService;

/**
 * A bulk job as the admin API shows it: the audit record (who, when, which filter, how many) and
 * its progress ({@code processed} of {@code matched}, and the seconds left at its rate).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BulkJobView(UUID id, BulkJob.Action action, BulkJob.Status status, LetterFilter filter,
        String requestedBy, Instant requestedAt, Instant snapshotAt, int matched, int processed, int ratePerSecond,
        Long secondsLeft, Instant updatedAt, Instant finishedAt) {

    static BulkJobView of(BulkJob j) {
        Long left = j.status() == BulkJob.Status.RUNNING
                ? (long) Math.ceil(Math.max(0, j.matched() - j.processed()) / (double) j.ratePerSecond()) : null;
        return new BulkJobView(j.id(), j.action(), j.status(), j.filter(), j.requestedBy(), j.requestedAt(),
                j.snapshotAt(), j.matched(), j.processed(), j.ratePerSecond(), left, j.updatedAt(), j.finishedAt());
    }

    /** The preview of a bulk action: how many letters it would act on now, and how long it would take. */
    @RegisterForReflection
    public record Preview(BulkJob.Action action, LetterFilter filter, int matched, int ratePerSecond,
            long estimatedSeconds) {

        static Preview of(BulkJobService.Preview p) {
            return new Preview(p.action(), p.filter(), p.matched(), p.ratePerSecond(),
                    (long) Math.ceil(p.matched() / (double) p.ratePerSecond()));
        }
    }

    /** One page of jobs, newest first. */
    @RegisterForReflection
    public record Page(List<BulkJobView> items, int page, int size, long totalItems) {

        static Page of(BulkJobService.Page p) {
            return new Page(p.items().stream().map(BulkJobView::of).toList(), p.page(), p.size(), p.totalItems());
        }
    }
}
