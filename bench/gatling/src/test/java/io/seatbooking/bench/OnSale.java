package io.seatbooking.bench;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.csv;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

/**
 * Scenarios 2 and 3, the on-sale: thousands of customers arrive within a few seconds and race
 * for the same seats of one show, each holding one or two seats at random and confirming when
 * the hold succeeds; meanwhile readers poll the seat map, half of them plainly, half with
 * If-None-Match carrying the latest ETag they saw. Every answer must be 201/409 (holds), 200
 * (confirms), 200/304 (reads), or, for holds and confirms, 503 with a Retry-After (shed by the
 * service's admission control; bench/run counts them from the service's metrics): anything else
 * is KO, and bench/run fails the run on a KO.
 *
 * <p>System properties: {@code base.url}, {@code show.id}, {@code seats} (labels A1..An),
 * {@code users}, {@code ramp.seconds}, {@code tokens.csv}, {@code read.rate} (per reader kind),
 * {@code read.seconds}. A warm-up on-sale ({@code warm.show.id}, {@code warm.users},
 * {@code warm.ramp.seconds}; requests named "warm-up …") runs first in the same JVM, so that the
 * load generator's code is compiled when the measured crowd comes, as the service's is; the
 * measured crowd's start (epoch milliseconds) is written to {@code started.file}.
 */
public class OnSale extends Simulation {

    private static final AtomicReference<String> LATEST_ETAG = new AtomicReference<>("\"none\"");
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private final String showId = System.getProperty("show.id");
    private final int seats = Integer.getInteger("seats", 100);

    private final HttpProtocolBuilder protocol = http.baseUrl(System.getProperty("base.url"))
            .contentTypeHeader("application/json").acceptHeader("application/json").shareConnections();

    private final ScenarioBuilder buyers = buyers("buyers", "", showId);

    private final ScenarioBuilder plainReaders = scenario("seat map readers")
            .exec(http("seat map").get("/api/shows/" + showId + "/seats")
                    .check(status().is(200), header("ETag").saveAs("etag")))
            .exec(session -> {
                if (session.getString("etag") != null) {
                    LATEST_ETAG.set(session.getString("etag"));
                }
                return session;
            });

    private final ScenarioBuilder conditionalReaders = scenario("conditional seat map readers")
            .exec(session -> session.set("known", LATEST_ETAG.get()))
            .exec(http("seat map if-none-match").get("/api/shows/" + showId + "/seats")
                    .header("If-None-Match", "#{known}")
                    .check(status().in(200, 304)));

    {
        int readSeconds = Integer.getInteger("read.seconds", 10);
        double readRate = Double.parseDouble(System.getProperty("read.rate", "200"));
        var main = List.of(
                scenario("start").exec(session -> {
                    markStarted();
                    return session;
                }).injectOpen(atOnceUsers(1)),
                buyers.injectOpen(rampUsers(Integer.getInteger("users")).during(Integer.getInteger("ramp.seconds"))),
                plainReaders.injectOpen(constantUsersPerSec(readRate).during(readSeconds)),
                conditionalReaders.injectOpen(constantUsersPerSec(readRate).during(readSeconds)));
        String warmShow = System.getProperty("warm.show.id");
        if (warmShow != null) {
            setUp(buyers("warm-up buyers", "warm-up ", warmShow)
                    .injectOpen(rampUsers(Integer.getInteger("warm.users")).during(Integer.getInteger("warm.ramp.seconds")))
                    .andThen(main)).protocols(protocol);
        } else {
            setUp(main).protocols(protocol);
        }
    }

    /** Customers racing for the seats of {@code show}, their requests named with {@code prefix}. */
    private ScenarioBuilder buyers(String name, String prefix, String show) {
        return scenario(name)
                .feed(csv(System.getProperty("tokens.csv")).circular())
                .exec(session -> session.set("wanted", wanted()))
                .exec(http(prefix + "on-sale hold").post("/api/bookings")
                        .header("Authorization", "Bearer #{token}")
                        .body(StringBody("{\"showId\":\"" + show + "\",\"seats\":#{wanted}}"))
                        .check(status().in(201, 409, 503).saveAs("holdStatus"),
                                jsonPath("$.id").optional().saveAs("bookingId")))
                .doIf(session -> session.getInt("holdStatus") == 201).then(
                        exec(http(prefix + "on-sale confirm").post("/api/bookings/#{bookingId}/confirm")
                                .header("Authorization", "Bearer #{token}")
                                .check(status().in(200, 503))));
    }

    /** Writes the measured crowd's start to {@code started.file} once (for bench/run's CPU window). */
    private static void markStarted() {
        String file = System.getProperty("started.file");
        if (file != null && STARTED.compareAndSet(false, true)) {
            try {
                Files.writeString(Path.of(file), Long.toString(System.currentTimeMillis()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** One or two distinct seats, as a JSON array. */
    private String wanted() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int first = random.nextInt(seats) + 1;
        if (random.nextBoolean()) {
            return "[\"A" + first + "\"]";
        }
        int second = first == seats ? first - 1 : first + 1;
        return "[\"A" + first + "\",\"A" + second + "\"]";
    }
}
