package io.seatbooking.bench;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.doIfOrElse;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

/**
 * The waiting room scenario: customers arrive at an even rate over {@code ramp.seconds}, around
 * the room's opening; each joins the queue, polls as the answer says (Queue-Ticket, If-None-Match,
 * Queue-Poll-After) until admitted or the show sold out, and once admitted picks an available seat
 * from the seat map, holds it with the admission token (trying another seat on 409, up to ten
 * times) and confirms. A {@code 503} (shed: overloaded, or no database connection in time) is
 * answered as clients are told to: wait its {@code Retry-After} and send the request again (a
 * poll simply polls again). A customer still joining, or still waiting, after
 * {@code max.wait.seconds} gives up; one who arrives after the show sold out is told so
 * ({@code 409 queue-closed}) and leaves. Every answer must have an expected status; anything else is KO.
 *
 * <p>System properties: {@code base.url}, {@code show.id}, {@code users}, {@code ramp.seconds},
 * {@code run} (a prefix that makes the customer ids of this run unique), {@code dev.key}.
 */
public class WaitingRoom extends Simulation {

    private final String showId = System.getProperty("show.id");
    private final String run = System.getProperty("run", "wr");
    private final String queue = "/api/shows/" + showId + "/queue";

    private final HttpProtocolBuilder protocol = http.baseUrl(System.getProperty("base.url"))
            .contentTypeHeader("application/json").acceptHeader("application/json").shareConnections()
            // The scenario sends If-None-Match itself where it means to; Gatling's cache would add it elsewhere.
            .disableCaching();

    private final ScenarioBuilder customers = scenario("waiting room customers")
            .exec(session -> session.set("token", DevTokens.customer(run + "-" + session.userId()))
                    .set("etag", "\"none\"").set("attempts", 0).set("booked", false))
            .exec(s -> s.set("joinStatus", 503).set("state", "joining"))
            .asLongAsDuring(s -> s.getInt("joinStatus") == 503,
                    Duration.ofSeconds(Integer.getInteger("max.wait.seconds", 300))).on(
                    exec(http("queue join").post(queue).header("Authorization", "Bearer #{token}")
                            .check(status().in(200, 201, 409, 503).saveAs("joinStatus"),
                                    jsonPath("$.ticket").optional().saveAs("ticket"),
                                    jsonPath("$.state").optional().saveAs("state"),
                                    header("ETag").optional().saveAs("etag"),
                                    header("Queue-Poll-After").optional().saveAs("pollAfter"),
                                    header("Retry-After").optional().saveAs("retryAfter")))
                            .doIf(s -> s.getInt("joinStatus") == 503).then(pause(WaitingRoom::retryAfter)))
            .asLongAsDuring(session -> "waiting".equals(session.getString("state")),
                    Duration.ofSeconds(Integer.getInteger("max.wait.seconds", 300))).on(
                    pause(WaitingRoom::pollAfter)
                            .exec(http("queue poll").get(queue).header("Authorization", "Bearer #{token}")
                                    .header("Queue-Ticket", "#{ticket}").header("If-None-Match", "#{etag}")
                                    .check(status().in(200, 304, 503), jsonPath("$.state").optional().saveAs("state"),
                                            jsonPath("$.admissionToken").optional().saveAs("admission"),
                                            header("ETag").optional().saveAs("etag"),
                                            header("Queue-Poll-After").optional().saveAs("pollAfter"))))
            .doIf(session -> "admitted".equals(session.getString("state"))).then(
                    exec(session -> session.contains("admission") ? session
                            : session.markAsFailed())
                            .asLongAs(session -> !session.getBoolean("booked") && session.getInt("attempts") < 10).on(
                                    exec(http("seat map").get("/api/shows/" + showId + "/seats")
                                            .check(status().in(200, 503).saveAs("mapStatus"),
                                                    jsonPath("$.seats[?(@.status=='AVAILABLE')].label")
                                                    .findAll().optional().saveAs("available"),
                                                    header("Retry-After").optional().saveAs("retryAfter")))
                                            .exec(WaitingRoom::pickSeat)
                                            .doIfOrElse(session -> session.getString("seat") != null).then(
                                                    exec(http("waiting room hold").post("/api/bookings")
                                                            .header("Authorization", "Bearer #{token}")
                                                            .header("Admission-Token", "#{admission}")
                                                            .body(StringBody("{\"showId\":\"" + showId
                                                                    + "\",\"seats\":[\"#{seat}\"]}"))
                                                            .check(status().in(201, 409, 503).saveAs("holdStatus"),
                                                                    jsonPath("$.id").optional().saveAs("bookingId"),
                                                                    header("Retry-After").optional().saveAs("retryAfter")))
                                                            .doIf(session -> session.getInt("holdStatus") == 503).then(
                                                                    pause(WaitingRoom::retryAfter))
                                                            .doIf(session -> session.getInt("holdStatus") == 201).then(
                                                                    exec(s -> s.set("confirmStatus", 503))
                                                                            .asLongAs(s -> s.getInt("confirmStatus") == 503).on(
                                                                                    exec(http("waiting room confirm")
                                                                                            .post("/api/bookings/#{bookingId}/confirm")
                                                                                            .header("Authorization", "Bearer #{token}")
                                                                                            .check(status().in(200, 503).saveAs("confirmStatus"),
                                                                                                    header("Retry-After").optional().saveAs("retryAfter")))
                                                                                            .doIf(s -> s.getInt("confirmStatus") == 503)
                                                                                            .then(pause(WaitingRoom::retryAfter)))
                                                                            .exec(s -> s.set("booked", true))))
                                            .orElse(doIfOrElse(s -> s.getInt("mapStatus") == 503)
                                                    .then(pause(WaitingRoom::retryAfter))
                                                    .orElse(exec(s -> s.set("attempts", 10))))
                                            .exec(s -> s.set("attempts", s.getInt("attempts") + 1))));

    {
        setUp(customers.injectOpen(rampUsers(Integer.getInteger("users")).during(Integer.getInteger("ramp.seconds"))))
                .protocols(protocol);
    }

    private static Duration pollAfter(Session session) {
        String millis = session.contains("pollAfter") ? session.getString("pollAfter") : null;
        return Duration.ofMillis(millis == null ? 2000 : Long.parseLong(millis));
    }

    /** As a 503 overloaded asks: wait its Retry-After (seconds) before sending the request again. */
    private static Duration retryAfter(Session session) {
        String seconds = session.contains("retryAfter") ? session.getString("retryAfter") : null;
        return Duration.ofSeconds(seconds == null ? 1 : Long.parseLong(seconds));
    }

    private static Session pickSeat(Session session) {
        List<String> available = session.contains("available") ? session.getList("available") : List.of();
        String seat = available.isEmpty() ? null : available.get(ThreadLocalRandom.current().nextInt(available.size()));
        return seat == null ? session.remove("seat") : session.set("seat", seat);
    }
}
