package io.seatbooking.messaging;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the events this service publishes ({@code events.*}). */
@ConfigMapping(prefix = "events")
public interface EventConfig {

    /** The CloudEvents {@code source} of every event (a URI reference naming this service). */
    @WithDefault("/seat-booking")
    String source();
}
