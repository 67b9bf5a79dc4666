package io.seatbooking.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.seatbooking.support.ProfileSettings;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Every pool's connections are replaced once they are {@code quarkus.datasource.reactive.max-lifetime}
 * old, busy or not: a plan made once on a connection lives no longer than that
 * (docs/decisions.md, "Plans"). Here the lifetime is one second.
 */
@QuarkusTest
@TestProfile(ConnectionLifetimeTest.ShortLifetime.class)
class ConnectionLifetimeTest {

    public static class ShortLifetime implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return ProfileSettings.overridingTestProfile(Map.of("quarkus.datasource.reactive.max-lifetime", "PT1S"));
        }
    }

    @Inject
    Pool pool; // outside a request: the background pool

    @Inject
    Vertx vertx;

    @Test
    void backgroundConnectionsAreClosedAfterTheirLifetime() throws InterruptedException {
        assertClosedAfterLifetime(backendPid().await().atMost(Duration.ofSeconds(10)));
    }

    @Test
    void requestConnectionsAreClosedAfterTheirLifetime() throws InterruptedException {
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        CompletableFuture<Integer> pid = new CompletableFuture<>();
        context.runOnContext(ignored -> {
            assertThat(new RequestBudget(System.nanoTime() + 10_000_000_000L, () -> false).attach()).isTrue();
            backendPid().subscribe().with(pid::complete, pid::completeExceptionally);
        });
        assertClosedAfterLifetime(pid.orTimeout(10, TimeUnit.SECONDS).join());
    }

    private void assertClosedAfterLifetime(int pid) throws InterruptedException {
        assertThat(sessions(pid)).as("the session is open after its work").isEqualTo(1);
        Thread.sleep(2_500);
        assertThat(sessions(pid)).as("the session two and a half lifetimes later").isZero();
    }

    private long sessions(int pid) {
        return pool.query("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid).execute()
                .map(rows -> rows.iterator().next().getLong(0)).await().atMost(Duration.ofSeconds(10));
    }

    private Uni<Integer> backendPid() {
        return pool.withConnection(c -> c.query("SELECT pg_backend_pid()").execute()
                .map(rows -> rows.iterator().next().getInteger(0)));
    }
}
