package io.seatbooking.deadletter.service;

import java.util.List;

import jakarta.inject.Singleton;

import io.seatbooking.deadletter.DeadLetterConfig;
import io.seatbooking.deadletter.FailureGroup;
import io.seatbooking.deadletter.repository.DeadLetterRepository;
import io.seatbooking.deadletter.repository.FailureGroupRepository;
import io.seatbooking.deadletter.service.DeadLetterOutcome.InvalidListing;
import io.smallrye.mutiny.Uni;

/** Summaries of the parking table by failure group, reason or message type. */
@Singleton
public class FailureGroupService {

    private final FailureGroupRepository groups;
    private final DeadLetterConfig config;

    public FailureGroupService(FailureGroupRepository groups, DeadLetterConfig config) {
        this.groups = groups;
        this.config = config;
    }

    /** One page of a summary, with the number of groups in all. */
    public record Page(FailureGroup.By by, List<FailureGroup> items, int page, int size, long totalItems) {
    }

    /**
     * One page of groups, most parked letters first.
     *
     * @throws InvalidListing for a negative page, a size out of range, or {@code from} not before {@code to}
     */
    public Uni<Page> summarise(FailureGroup.By by, DeadLetterRepository.Filter filter, int page, Integer size) {
        int pageSize = size == null ? config.defaultPageSize() : size;
        if (page < 0 || pageSize < 1 || pageSize > config.maxPageSize()) {
            throw new InvalidListing("page must be 0 or more and size between 1 and " + config.maxPageSize() + ".");
        }
        if (filter.from() != null && filter.to() != null && !filter.from().isBefore(filter.to())) {
            throw new InvalidListing("from must be before to.");
        }
        return groups.summarise(by, filter, page, pageSize)
                .chain(items -> groups.count(by, filter).map(total -> new Page(by, items, page, pageSize, total)));
    }
}
