package io.seatbooking.booking.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.seatbooking.booking.BookingConfig;
import io.seatbooking.booking.SeatStatus;
import io.seatbooking.booking.repository.ShowRepository;
import io.seatbooking.booking.service.SeatMapCache.SeatChange;
import io.seatbooking.booking.service.SeatMapCache.SeatMap;
import io.seatbooking.support.Api;
import io.seatbooking.support.Tokens;

/**
 * The seat map cache applies this replica's committed seat changes to the cached map instead of
 * reading it again, and answers an old map while one background read replaces it. Each test builds
 * its own cache (a replica), most with a TTL of a minute, so that nothing reloads while they run: a
 * seat state that the database does not have can only come from an applied change.
 */
@QuarkusTest
class SeatMapCacheTest {

    @Inject
    ShowRepository shows;
    @Inject
    ObjectMapper json;

    @Test
    void aChangeIsAppliedToTheCachedMapAndAnOlderOneIsSkipped() throws Exception {
        UUID show = UUID.fromString(Api.createShow("A1", "A2"));
        SeatMapCache replica = replica();
        SeatMap loaded = map(replica, show);
        assertThat(seat(loaded, "A2").path("status").asText()).isEqualTo("AVAILABLE");

        replica.changed(show, List.of(new SeatChange("A2", SeatStatus.HELD, 1)));
        SeatMap held = map(replica, show);
        assertThat(seat(held, "A2").path("status").asText()).isEqualTo("HELD");
        assertThat(seat(held, "A2").path("version").asLong()).isEqualTo(1);
        assertThat(seat(held, "A2").path("priceCents").asLong()).isEqualTo(seat(loaded, "A2").path("priceCents").asLong());
        assertThat(held.etag()).isNotEqualTo(loaded.etag()).startsWith("\"1-");

        // a change the map already has, or an older one, changes nothing: versions only grow
        replica.changed(show, List.of(new SeatChange("A2", SeatStatus.HELD, 1),
                new SeatChange("A2", SeatStatus.AVAILABLE, 0)));
        assertThat(map(replica, show).etag()).isEqualTo(held.etag());

        replica.changed(show, List.of(new SeatChange("A2", SeatStatus.BOOKED, 2), new SeatChange("Z9", SeatStatus.HELD, 1)));
        assertThat(seat(map(replica, show), "A2").path("status").asText()).isEqualTo("BOOKED");
    }

    @Test
    void aChangeMadeWhileTheMapIsBeingReadIsApplied() throws Exception {
        UUID show = UUID.fromString(Api.createShow("A1", "A2"));
        SeatMapCache replica = replica();
        CompletableFuture<java.util.Optional<SeatMap>> reading = replica.get(show).subscribeAsCompletionStage()
                .toCompletableFuture();
        replica.changed(show, List.of(new SeatChange("A1", SeatStatus.HELD, 1)));
        reading.get();
        assertThat(seat(map(replica, show), "A1").path("status").asText()).isEqualTo("HELD");
    }

    @Test
    void anOldMapIsAnsweredAtOnceWhileOneReadReplacesItKeepingTheChangesMadeMeanwhile() throws Exception {
        UUID show = UUID.fromString(Api.createShow("A1", "A2", "A3"));
        SeatMapCache replica = replica(Duration.ofMillis(300));
        SeatMap first = map(replica, show);
        // Another replica's change (the service's own cache is another replica), which this one
        // learns only by reading the map again.
        Api.hold(Tokens.customer(Tokens.newCustomerId("other-replica")), show.toString(), "A1").then().statusCode(201);
        Thread.sleep(400);

        // Old: answered as it is, at once, and one read starts in the background.
        SeatMap old = map(replica, show);
        assertThat(old.etag()).isEqualTo(first.etag());
        // This replica's own change while that read runs is applied to the old map and to what the read brings.
        replica.changed(show, List.of(new SeatChange("A3", SeatStatus.HELD, 1)));
        assertThat(seat(map(replica, show), "A3").path("status").asText()).isEqualTo("HELD");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            SeatMap read = map(replica, show);
            assertThat(seat(read, "A1").path("status").asText()).isEqualTo("HELD");
            assertThat(seat(read, "A3").path("status").asText()).isEqualTo("HELD");
            assertThat(seat(read, "A2").path("status").asText()).isEqualTo("AVAILABLE");
        });
    }

    @Test
    void twoReplicasWithTheSameVersionSumButOtherSeatsHaveOtherTags() throws Exception {
        UUID show = UUID.fromString(Api.createShow("A1", "A2"));
        SeatMapCache one = replica();
        SeatMapCache two = replica();
        map(one, show);
        map(two, show);
        one.changed(show, List.of(new SeatChange("A1", SeatStatus.HELD, 1)));
        two.changed(show, List.of(new SeatChange("A2", SeatStatus.HELD, 1)));

        assertThat(map(one, show).etag()).startsWith("\"1-").isNotEqualTo(map(two, show).etag());
    }

    private SeatMapCache replica() {
        return replica(Duration.ofMinutes(1));
    }

    private SeatMapCache replica(Duration ttl) {
        BookingConfig.SeatMap seatMap = () -> ttl;
        BookingConfig config = (BookingConfig) Proxy.newProxyInstance(BookingConfig.class.getClassLoader(),
                new Class<?>[] { BookingConfig.class }, (proxy, method, args) -> {
                    if (method.getName().equals("seatMap")) {
                        return seatMap;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return new SeatMapCache(shows, json, config);
    }

    private static SeatMap map(SeatMapCache cache, UUID show) {
        return cache.get(show).await().atMost(Duration.ofSeconds(10)).orElseThrow();
    }

    private JsonNode seat(SeatMap map, String label) throws Exception {
        for (JsonNode seat : json.readTree(map.json()).path("seats")) {
            if (seat.path("label").asText().equals(label)) {
                return seat;
            }
        }
        throw new AssertionError("no seat " + label);
    }
}
