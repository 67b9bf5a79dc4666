package io.seatbooking.support;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Reads of the application's meters, for tests that compare a counter before and after. */
public final class Meters {

    private Meters() {
    }

    /** The sum of the counters called {@code name} that carry these tags (key, value, ...); 0 if none. */
    public static double count(MeterRegistry registry, String name, String... tags) {
        return registry.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }
}
