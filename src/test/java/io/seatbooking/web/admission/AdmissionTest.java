package io.seatbooking.web.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class AdmissionTest {

    private static AdmissionConfig config(int limit, double share) {
        return new AdmissionConfig() {
            public boolean enabled() { return true; }
            public int initialLimit() { return limit; }
            public int minLimit() { return 1; }
            public int maxLimit() { return limit; }
            public double customerShare() { return share; }
            public double holdShare() { return 0.8; }
            public Duration requestDeadline() { return Duration.ofSeconds(5); }
            public Duration retryAfter() { return Duration.ofSeconds(1); }
            public Duration retryAfterMax() { return Duration.ofSeconds(30); }
            public Duration retryAfterJitter() { return Duration.ofSeconds(2); }
        };
    }

    @Test
    void beyondTheLimitRequestsAreRefusedAtOnceAndAdmittedAgainWhenOthersEnd() {
        Admission admission = new Admission(config(10, 1.0), new SimpleMeterRegistry());
        List<Admission.Ticket> running = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            running.add(admission.admit("customer-" + i).orElseThrow());
        }
        assertThat(admission.admit("late")).isEmpty();
        running.remove(0).done();
        assertThat(admission.admit("late")).isPresent();
    }

    @Test
    void oneCustomerCannotTakeTheWholeLimit() {
        Admission admission = new Admission(config(10, 0.2), new SimpleMeterRegistry());
        assertThat(admission.admit("greedy")).isPresent();
        assertThat(admission.admit("greedy")).isPresent();
        assertThat(admission.admit("greedy")).isEmpty();
        for (int i = 0; i < 8; i++) {
            assertThat(admission.admit("other-" + i)).as("others still get in").isPresent();
        }
    }

    @Test
    void holdsAreShedFirstSoThatConfirmsOfTheHoldsTakenStillGetIn() {
        Admission admission = new Admission(config(10, 1.0), new SimpleMeterRegistry());
        for (int i = 0; i < 8; i++) {
            assertThat(admission.admit("holder-" + i, true)).as("holds fill 80 %% of the limit").isPresent();
        }
        assertThat(admission.admit("late-holder", true)).isEmpty();
        assertThat(admission.admit("confirmer-1", false)).isPresent();
        assertThat(admission.admit("confirmer-2", false)).isPresent();
        assertThat(admission.admit("confirmer-3", false)).as("the whole limit is used").isEmpty();
    }

    @Test
    void joinsHaveALimitOfTheirOwnSoThatACrowdJoiningLeavesTheAdmittedTheirWrites() {
        Admission admission = new Admission(config(10, 1.0), new SimpleMeterRegistry());
        for (int i = 0; i < 10; i++) {
            assertThat(admission.admitJoin("joiner-" + i)).isPresent();
        }
        assertThat(admission.admitJoin("one-too-many")).isEmpty();
        assertThat(admission.admit("admitted-customer", true)).as("holds do not compete with joins").isPresent();
        assertThat(admission.shedForCapacity()).as("a shed join does not stop the admitter").isZero();
    }

    @Test
    void retryAfterIsJitteredWithinTheConfiguredRange() {
        Admission admission = new Admission(config(10, 1.0), new SimpleMeterRegistry());
        List<Long> seen = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            seen.add(admission.retryAfterSeconds());
        }
        assertThat(seen).allMatch(s -> s >= 1 && s <= 3);
        assertThat(seen).contains(1L, 3L);
    }
}
