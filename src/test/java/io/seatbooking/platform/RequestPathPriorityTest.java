package io.seatbooking.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.netty.util.concurrent.EventExecutor;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.seatbooking.support.Api;
import io.seatbooking.support.Tokens;
import io.vertx.core.Vertx;

/**
 * With {@code request-path.thread-priority} lowered, the request path's event loops run below the
 * normal priority, and the relay's threads do not inherit it, even after requests have committed
 * and so woken the relay from an event loop.
 */
@QuarkusTest
@TestProfile(RequestPathPriorityTest.Lowered.class)
class RequestPathPriorityTest {

    public static class Lowered implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("request-path.thread-priority", "1");
        }
    }

    @Inject
    Vertx vertx;

    @Test
    void requestEventLoopsRunBelowTheRelaysThreads() throws Exception {
        // A booking's commit wakes the relay from a request's event loop; the relay then publishes.
        Api.holdSeats(Tokens.customer(Tokens.newCustomerId("priority")), Api.createShow("A1"), "A1");

        List<Integer> loops = new ArrayList<>();
        for (EventExecutor loop : vertx.nettyEventLoopGroup()) {
            loops.add(loop.submit(() -> Thread.currentThread().getPriority()).get(10, TimeUnit.SECONDS));
        }
        assertThat(loops).isNotEmpty().containsOnly(Thread.MIN_PRIORITY);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                .filteredOn(t -> t.getName().equals("publisher-outbox-relay"))
                .extracting(Thread::getPriority).isNotEmpty().containsOnly(Thread.NORM_PRIORITY));
    }
}
