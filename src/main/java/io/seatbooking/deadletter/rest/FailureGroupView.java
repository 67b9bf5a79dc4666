package io.seatbooking.deadletter.rest;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.seatbooking.deadletter.FailureGroup;
import io.seatbooking.deadletter.service.FailureGroupService;

/**
 * One group of a summary. For {@code by=group} every field describes the whole group; for
 * {@code by=reason} only {@code reason}, for {@code by=messageType} only {@code messageType} do
 * (the other fields are left out).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FailureGroupView(String key, String reason, String exceptionType, String messageType, String origin,
        long parked, long total, Instant firstSeen, Instant lastSeen) {

    static FailureGroupView of(FailureGroup.By by, FailureGroup g) {
        boolean whole = by == FailureGroup.By.GROUP;
        return new FailureGroupView(g.key(), whole || by == FailureGroup.By.REASON ? g.sample().reason() : null,
                whole ? g.sample().exceptionType() : null,
                whole || by == FailureGroup.By.MESSAGE_TYPE ? g.sample().messageType() : null,
                whole ? g.sample().origin() : null, g.parked(), g.total(), g.firstSeen(), g.lastSeen());
    }

    /** One page of a summary. */
    @RegisterForReflection
    public record Page(String by, List<FailureGroupView> items, int page, int size, long totalItems) {

        static Page of(FailureGroupService.Page p) {
            return new Page(GroupBy.name(p.by()), p.items().stream().map(g -> FailureGroupView.of(p.by(), g)).toList(),
                    p.page(), p.size(), p.totalItems());
        }
    }
}
