package io.seatbooking.web.admission;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.seatbooking.support.ProfileSettings;

/** A write limit of one and a long wait for a slot, so that concurrent writes queue at the edge. */
public class AdmissionQueueProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> settings = Map.of("admission.initial-limit", "1",
                "admission.min-limit", "1",
                "admission.max-limit", "1",
                "admission.customer-share", "1.0",
                "admission.queue-wait", "PT20S",
                "admission.queue-size", "50");
        return ProfileSettings.overridingTestProfile(settings);
    }
}
