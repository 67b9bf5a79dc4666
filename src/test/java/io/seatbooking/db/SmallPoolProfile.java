package io.seatbooking.db;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** A request pool of two connections, two waiters and short waits, so that a test can exhaust it. */
public class SmallPoolProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.datasource.reactive.max-size", "2",
                "db.request.max-waiting", "2",
                "db.request.acquire-timeout", "PT0.3S",
                "admission.initial-limit", "200",
                "admission.max-limit", "200",
                "admission.customer-share", "1.0");
    }
}
