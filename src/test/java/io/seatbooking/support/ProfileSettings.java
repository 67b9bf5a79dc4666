package io.seatbooking.support;

import java.util.HashMap;
import java.util.Map;

/** Config overrides for a test profile. */
public final class ProfileSettings {

    private ProfileSettings() {
    }

    /**
     * The settings, also under the test profile's own names ({@code %test.}), which
     * application.properties sets for the other tests and which would otherwise win.
     */
    public static Map<String, String> overridingTestProfile(Map<String, String> settings) {
        Map<String, String> overrides = new HashMap<>(settings);
        settings.forEach((key, value) -> overrides.put("%test." + key, value));
        return overrides;
    }
}
