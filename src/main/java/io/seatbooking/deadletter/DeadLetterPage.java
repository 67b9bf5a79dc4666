package io.seatbooking.deadletter;

import java.util.List;

/** One page of a dead letter listing (payloads and headers left out). */
public record DeadLetterPage(List<DeadLetter> items, int page, int size, long totalItems) {
}
