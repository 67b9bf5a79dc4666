package io.seatbooking.db;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.seatbooking.support.ProfileSettings;

/**
 * A request pool of two connections, two waiters and short waits, so that a test can exhaust it;
 * a fixed write limit of 6 (so that some requests are refused at the edge, some further in); seat
 * maps cached long enough to be answered from memory while the pool is exhausted.
 */
public class SmallPoolProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> settings = Map.of("quarkus.datasource.reactive.max-size", "2",
                "db.request.max-waiting", "2",
                "db.request.acquire-timeout", "PT0.3S",
                "admission.initial-limit", "6",
                "admission.min-limit", "6",
                "admission.max-limit", "6",
                "admission.customer-share", "1.0",
                "admission.request-deadline", "PT30S",
                "booking.seat-map.cache-ttl", "PT30S");
        return ProfileSettings.overridingTestProfile(settings);
    }
}
