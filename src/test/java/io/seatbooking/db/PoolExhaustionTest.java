package io.seatbooking.db;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.seatbooking.support.Api;
import io.seatbooking.support.Db;
import io.seatbooking.support.Meters;
import io.seatbooking.support.Tokens;

/**
 * The request pool exhausted (two connections, both stuck behind a row lock the test holds):
 * further requests are answered at once with {@code 503 overloaded} and a {@code Retry-After},
 * never a 500 or a hang, whether the write limit refused them at the edge or no connection came
 * free; a cached seat map is still answered at once, and one never read before too (its read takes
 * a background connection); readiness stays UP (background work has
 * connections of its own); and the Vert.x pool's timeout timer never logs "Result is already
 * complete" (vertx-sql-client #1706).
 */
@QuarkusTest
@TestProfile(SmallPoolProfile.class)
class PoolExhaustionTest {

    @Inject
    MeterRegistry registry;

    private final ConcurrentLinkedQueue<String> logged = new ConcurrentLinkedQueue<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message = String.valueOf(record.getMessage());
            Throwable thrown = record.getThrown();
            logged.add(message + (thrown == null ? "" : " " + thrown));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void exhaustedRequestPoolAnswers503OverloadedAtOnce() throws Exception {
        String showId = Api.createShow(4);
        String unread = Api.createShow(4);
        given().when().get("/api/shows/{id}/seats", showId).then().statusCode(200);
        double refusedAtEdge = Meters.count(registry, "admission.shed", "reason", "limit");
        double noConnection = Meters.count(registry, "admission.shed", "reason", "database-busy");
        List<Response> answers = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(12);
        try (Connection lock = Db.connection()) {
            lock.setAutoCommit(false);
            try (PreparedStatement rows = lock.prepareStatement("SELECT 1 FROM seat WHERE show_id = ? FOR UPDATE")) {
                rows.setObject(1, UUID.fromString(showId));
                rows.execute();
            }
            List<CompletableFuture<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String customer = Tokens.customer(Tokens.newCustomerId("crowd"));
                calls.add(CompletableFuture.supplyAsync(() -> Api.hold(customer, showId, "A1"), clients));
            }
            // While the lock holds, every request beyond the two stuck ones is shed, quickly.
            List<Response> shed = new ArrayList<>();
            for (CompletableFuture<Response> call : calls) {
                try {
                    shed.add(call.get(5, TimeUnit.SECONDS));
                } catch (java.util.concurrent.TimeoutException stuck) {
                    // one of the (at most two) requests holding a connection behind the lock
                }
            }
            assertThat(shed).hasSizeGreaterThanOrEqualTo(10);
            for (Response r : shed) {
                r.then().statusCode(503).contentType("application/problem+json");
                assertThat(r.<String>path("type")).endsWith("/overloaded");
                assertThat(Integer.parseInt(r.header("Retry-After"))).isBetween(1, 3);
                assertThat(r.time()).as("answered without waiting behind the lock").isLessThan(3000);
            }
            // Which of the two refused each depends on how the requests overlapped; together they refused them all.
            assertThat(Meters.count(registry, "admission.shed", "reason", "limit") - refusedAtEdge
                    + Meters.count(registry, "admission.shed", "reason", "database-busy") - noConnection)
                    .isGreaterThanOrEqualTo(shed.size());
            // Reads are not limited, and a cached seat map needs no connection.
            Response seatMap = given().when().get("/api/shows/{id}/seats", showId);
            seatMap.then().statusCode(200);
            assertThat(seatMap.time()).isLessThan(2000);
            // Nor does the first read of a map: it runs on the background pool, not behind the requests.
            Response firstRead = given().when().get("/api/shows/{id}/seats", unread);
            firstRead.then().statusCode(200);
            assertThat(firstRead.time()).isLessThan(2000);
            // Background work still has connections of its own: the sweeper, the relay.
            assertThat(given().when().get("/q/health/ready").then().extract().statusCode()).isEqualTo(200);
            lock.rollback();
            for (CompletableFuture<Response> call : calls) {
                answers.add(call.get(10, TimeUnit.SECONDS));
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(answers).extracting(Response::statusCode).allMatch(s -> s == 201 || s == 409 || s == 503);
        // A1 held at most once: by one of the requests stuck behind the lock, if any got that far (when the
        // crowd took both connections for its first reads at that moment, none did and all were shed).
        assertThat(answers).extracting(Response::statusCode).filteredOn(s -> s == 201).hasSizeLessThanOrEqualTo(1);
        // Served again once the lock is gone.
        String customer = Tokens.customer(Tokens.newCustomerId("after"));
        Api.hold(customer, showId, "A2").then().statusCode(201);
        assertThat(logged).noneMatch(line -> line.contains("Result is already complete"));
    }
}
