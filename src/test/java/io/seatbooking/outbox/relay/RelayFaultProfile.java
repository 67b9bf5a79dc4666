package io.seatbooking.outbox.relay;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Relay fault tests: no relay of the application's own; each test builds the relays it needs,
 * with the connections, timings and lease name (unique per test) the fault calls for.
 */
public class RelayFaultProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("outbox.relay.enabled", "false");
    }
}
