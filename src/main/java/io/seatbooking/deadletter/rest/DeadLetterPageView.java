package io.seatbooking.deadletter.rest;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.seatbooking.deadletter.DeadLetterPage;

/** One page of the dead letter listing. */
@RegisterForReflection
public record DeadLetterPageView(List<DeadLetterView> items, int page, int size, long totalItems) {

    public static DeadLetterPageView of(DeadLetterPage page) {
        return new DeadLetterPageView(page.items().stream().map(DeadLetterView::summary).toList(), page.page(),
                page.size(), page.totalItems());
    }
}
