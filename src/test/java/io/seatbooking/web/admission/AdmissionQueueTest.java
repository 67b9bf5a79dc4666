package io.seatbooking.web.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.seatbooking.support.Api;
import io.seatbooking.support.Meters;
import io.seatbooking.support.Tokens;

/**
 * Writes that find the limit full wait at the edge for a slot, their bodies unread meanwhile, and
 * are then served as if they had never waited: with a limit of one, a burst of holds is served in
 * full, one at a time, and none is shed.
 */
@QuarkusTest
@TestProfile(AdmissionQueueProfile.class)
class AdmissionQueueTest {

    @Inject
    MeterRegistry registry;

    @Test
    void aBurstBeyondTheLimitWaitsForSlotsAndIsServedInFull() throws Exception {
        String showId = Api.createShow(16);
        double shedBefore = Meters.count(registry, "admission.shed", "reason", "limit");
        double waitedBefore = Meters.count(registry, "admission.waited");
        ExecutorService clients = Executors.newFixedThreadPool(16);
        List<CompletableFuture<Response>> calls = new ArrayList<>();
        try {
            for (int i = 1; i <= 16; i++) {
                String customer = Tokens.customer(Tokens.newCustomerId("burst"));
                String seat = "A" + i;
                calls.add(CompletableFuture.supplyAsync(() -> Api.hold(customer, showId, seat), clients));
            }
            for (int i = 0; i < calls.size(); i++) {
                Response answer = calls.get(i).get(30, TimeUnit.SECONDS);
                answer.then().statusCode(201);
                assertThat(answer.<List<String>>path("seats")).containsExactly("A" + (i + 1));
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(Meters.count(registry, "admission.shed", "reason", "limit") - shedBefore).isZero();
        assertThat(Meters.count(registry, "admission.waited") - waitedBefore).as("some of them waited").isPositive();
    }
}
