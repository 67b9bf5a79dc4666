package io.seatbooking.queue.rest;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Two slots per room and admissions that go idle after 10 s (long enough for a loaded test machine), so that hand-overs happen within a test. */
public class WaitingRoomProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("waiting-room.max-admitted", "2", "waiting-room.admission-idle", "PT10S");
    }
}
