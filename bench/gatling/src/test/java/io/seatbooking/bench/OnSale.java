package io.seatbooking.bench;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.csv;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.util.concurrent.ThreadLocalRandom;
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
 * {@code read.seconds}.
 */
public class OnSale extends Simulation {

    private static final AtomicReference<String> LATEST_ETAG = new AtomicReference<>("\"none\"");

    private final String showId = System.getProperty("show.id");
    private final int seats = Integer.getInteger("seats", 100);

    private final HttpProtocolBuilder protocol = http.baseUrl(System.getProperty("base.url"))
            .contentTypeHeader("application/json").acceptHeader("application/json").shareConnections();

    private final ScenarioBuilder buyers = scenario("buyers")
            .feed(csv(System.getProperty("tokens.csv")).circular())
            .exec(session -> session.set("wanted", wanted()))
            .exec(http("on-sale hold").post("/api/bookings")
                    .header("Authorization", "Bearer #{token}")
                    .body(StringBody("{\"showId\":\"" + showId + "\",\"seats\":#{wanted}}"))
                    .check(status().in(201, 409, 503).saveAs("holdStatus"), jsonPath("$.id").optional().saveAs("bookingId")))
            .doIf(session -> session.getInt("holdStatus") == 201).then(
                    exec(http("on-sale confirm").post("/api/bookings/#{bookingId}/confirm")
                            .header("Authorization", "Bearer #{token}")
                            .check(status().in(200, 503))));

    private final ScenarioBuilder plainReaders = scenario("seat map readers")
            .exec(http("seat map").get("/api/shows/" + showId + "/seats")
                    .check(status().is(200), header("ETag").saveAs("etag")))
            .exec(session -> {
                LATEST_ETAG.set(session.getString("etag"));
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
        setUp(
                buyers.injectOpen(rampUsers(Integer.getInteger("users")).during(Integer.getInteger("ramp.seconds"))),
                plainReaders.injectOpen(constantUsersPerSec(readRate).during(readSeconds)),
                conditionalReaders.injectOpen(constantUsersPerSec(readRate).during(readSeconds)))
                .protocols(protocol);
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
