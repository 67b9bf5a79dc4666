package io.seatbooking.outbox.relay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.seatbooking.support.EventCollector;

/**
 * The checker for delivery guarantees, Jepsen style: given what each subject committed (its last
 * sequence, all sequences from 1 being events) and what a consumer received in arrival order, it
 * counts lost, duplicated and unexpected events and order violations. After dropping duplicates
 * by message id, each subject's sequences must be exactly 1..last, in order.
 */
public record DeliveryCheck(int expected, int delivered, int lost, int duplicates, int unexpected,
        List<String> orderViolations) {

    public static DeliveryCheck of(Map<String, Long> lastSequenceBySubject, List<EventCollector.Received> arrivals) {
        Set<String> seenIds = new HashSet<>();
        Map<String, List<Long>> firstCopies = new HashMap<>();
        int duplicates = 0;
        int unexpected = 0;
        for (EventCollector.Received r : arrivals) {
            if (r.subject() == null || !lastSequenceBySubject.containsKey(r.subject())) {
                continue;
            }
            if (!seenIds.add(r.messageId())) {
                duplicates++;
                continue;
            }
            firstCopies.computeIfAbsent(r.subject(), s -> new ArrayList<>()).add(r.sequence());
        }
        int expected = 0;
        int delivered = 0;
        int lost = 0;
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, Long> e : lastSequenceBySubject.entrySet()) {
            long last = e.getValue();
            expected += (int) last;
            List<Long> got = firstCopies.getOrDefault(e.getKey(), List.of());
            delivered += got.size();
            Set<Long> distinct = new HashSet<>(got);
            for (long s = 1; s <= last; s++) {
                if (!distinct.contains(s)) {
                    lost++;
                }
            }
            for (Long s : got) {
                if (s < 1 || s > last) {
                    unexpected++;
                }
            }
            for (int i = 1; i < got.size(); i++) {
                if (got.get(i) <= got.get(i - 1)) {
                    violations.add(e.getKey() + ": " + got);
                    break;
                }
            }
        }
        return new DeliveryCheck(expected, delivered, lost, duplicates, unexpected, violations);
    }

    /** Whether every committed event arrived, in order, and nothing else did. */
    public boolean complete() {
        return lost == 0 && unexpected == 0 && orderViolations.isEmpty() && delivered == expected;
    }
}
