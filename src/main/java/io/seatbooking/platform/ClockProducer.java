package io.seatbooking.platform;

import java.time.InstantSource;
import java.time.temporal.ChronoUnit;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The service's clock, injectable so that time-dependent rules read one source. It ticks in
 * microseconds, PostgreSQL's precision, so that a timestamp reads back exactly as it was written
 * and a response, its event and a later read all show the same instant.
 */
public class ClockProducer {

    @Produces
    @Singleton
    InstantSource clock() {
        InstantSource system = InstantSource.system();
        return () -> system.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
