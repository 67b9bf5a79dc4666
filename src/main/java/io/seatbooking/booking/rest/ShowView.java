package io.seatbooking.booking.rest;

import java.time.Instant;
import java.util.UUID;

import io.seatbooking.booking.ShowSummary;

/** A show as the API returns it, with its seat counts. */
public record ShowView(UUID id, String title, Instant startsAt, int capacity, int available, int held, int booked,
        Instant createdAt) {

    static ShowView of(ShowSummary summary) {
        return new ShowView(summary.show().id(), summary.show().title(), summary.show().startsAt(),
                summary.show().capacity(), summary.counts().available(), summary.counts().held(),
                summary.counts().booked(), summary.show().createdAt());
    }
}
