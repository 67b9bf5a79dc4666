package io.seatbooking.web.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RetryAfterPolicyTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    private final RetryAfterPolicy policy = new RetryAfterPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30),
            Duration.ofSeconds(2), 0);

    private long window(long start, int served, int shed) {
        for (int i = 0; i < served; i++) {
            policy.served(start + i);
        }
        for (int i = 0; i < shed; i++) {
            policy.shed(start + served + i);
        }
        return start + SECOND;
    }

    @Test
    void whileFewAreShedTheWaitIsTheMinimumWithTheConfiguredJitter() {
        long now = window(0, 100, 5);
        assertThat(policy.waitSeconds(now)).isEqualTo(1);
        assertThat(policy.retryAfterSeconds(now, 0.0)).isEqualTo(1);
        assertThat(policy.retryAfterSeconds(now, 0.999)).isEqualTo(3);
    }

    @Test
    void theWaitGrowsWithTheShareShedSoThatRetriesComeDownToWhatIsServed() {
        long now = window(0, 100, 100); // offered twice what was served
        assertThat(policy.waitSeconds(now)).isEqualTo(2);
        now = window(now, 100, 50);
        assertThat(policy.waitSeconds(now)).isEqualTo(3);
        now = window(now, 0, 1_000); // nothing served: at most doubling per window
        assertThat(policy.waitSeconds(now)).isEqualTo(6);
        for (int i = 0; i < 10; i++) {
            now = window(now, 10, 1_000);
        }
        assertThat(policy.waitSeconds(now)).as("never above the maximum").isEqualTo(30);
        assertThat(policy.retryAfterSeconds(now, 0.999)).as("jittered over as much again").isEqualTo(60);
    }

    @Test
    void quietWindowsBringTheWaitBackDown() {
        long now = 0;
        for (int i = 0; i < 6; i++) {
            now = window(now, 10, 1_000);
        }
        assertThat(policy.waitSeconds(now)).isEqualTo(30);
        now = window(now, 100, 0);
        assertThat(policy.waitSeconds(now)).isEqualTo(15);
        assertThat(policy.waitSeconds(now + 10 * SECOND)).as("a pause without requests counts as quiet").isEqualTo(1);
    }
}
