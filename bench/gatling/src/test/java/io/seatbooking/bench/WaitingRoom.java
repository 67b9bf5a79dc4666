package io.seatbooking.bench;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.bodyBytes;
import static io.gatling.javaapi.core.CoreDsl.doIfOrElse;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

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
 * <p>The load generator shares the benchmark machine with the service, so it does its own work
 * cheaply: the customers' tokens are signed before the run starts (an RS256 signature costs about
 * a millisecond of CPU, which at the arrival rate took a third of a core during the run), and the
 * seat map's available seats are picked out with a streaming parser, not a JsonPath filter over a
 * tree of the whole map. The room's opening is set once the tokens are signed, by its first
 * customer, {@code opens.after.seconds} later. A warm-up room ({@code warm.*} properties, requests
 * named "warm-up …") runs before the main room in the same JVM.
 *
 * <p>System properties: {@code base.url}, {@code show.id}, {@code users}, {@code ramp.seconds},
 * {@code opens.after.seconds}, the same under {@code warm.} (optional), {@code run} (a prefix that
 * makes the customer ids of this run unique), {@code dev.key}.
 */
public class WaitingRoom extends Simulation {

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * One room's crowd: its show, customers and opening, read from the system properties under
     * {@code prefix}; its requests are named with {@code label} in front.
     */
    private static final class Crowd {
        final String showId;
        final String queue;
        final long opensAfterSeconds;
        final String label;
        final String[] tokens;
        final AtomicInteger arrived = new AtomicInteger();

        Crowd(String prefix, String label) {
            this.showId = System.getProperty(prefix + "show.id");
            this.queue = "/api/shows/" + showId + "/queue";
            this.opensAfterSeconds = Long.getLong(prefix + "opens.after.seconds");
            this.label = label;
            String run = System.getProperty("run", "wr") + label.replace(' ', '-');
            this.tokens = IntStream.rangeClosed(1, Integer.getInteger(prefix + "users")).parallel()
                    .mapToObj(i -> DevTokens.customer(run + "-" + i)).toArray(String[]::new);
        }

        /** The first customer sets the opening, so that arrivals and opening keep their distance. */
        Session arrive(Session session) {
            int n = arrived.getAndIncrement();
            if (n == 0) {
                openAfter(queue, opensAfterSeconds);
            }
            return session.set("token", tokens[n % tokens.length]);
        }
    }

    private final HttpProtocolBuilder protocol = http.baseUrl(System.getProperty("base.url"))
            .contentTypeHeader("application/json").acceptHeader("application/json").shareConnections()
            // The scenario sends If-None-Match itself where it means to; Gatling's cache would add it elsewhere.
            .disableCaching();

    private static ScenarioBuilder customers(Crowd crowd) {
        String showId = crowd.showId;
        String queue = crowd.queue;
        String l = crowd.label;
        return scenario(l + "waiting room customers")
            .exec(session -> crowd.arrive(session)
                    .set("etag", "\"none\"").set("attempts", 0).set("booked", false))
            .exec(s -> s.set("joinStatus", 503).set("state", "joining"))
            .asLongAsDuring(s -> s.getInt("joinStatus") == 503,
                    Duration.ofSeconds(Integer.getInteger("max.wait.seconds", 300))).on(
                    exec(http(l + "queue join").post(queue).header("Authorization", "Bearer #{token}")
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
                            .exec(http(l + "queue poll").get(queue).header("Authorization", "Bearer #{token}")
                                    .header("Queue-Ticket", "#{ticket}").header("If-None-Match", "#{etag}")
                                    .check(status().in(200, 304, 503), jsonPath("$.state").optional().saveAs("state"),
                                            jsonPath("$.admissionToken").optional().saveAs("admission"),
                                            header("ETag").optional().saveAs("etag"),
                                            header("Queue-Poll-After").optional().saveAs("pollAfter"))))
            .doIf(session -> "admitted".equals(session.getString("state"))).then(
                    exec(session -> session.contains("admission") ? session
                            : session.markAsFailed())
                            .asLongAs(session -> !session.getBoolean("booked") && session.getInt("attempts") < 10).on(
                                    exec(http(l + "seat map").get("/api/shows/" + showId + "/seats")
                                            .check(status().in(200, 503).saveAs("mapStatus"),
                                                    bodyBytes().transform(WaitingRoom::availableSeats)
                                                    .saveAs("available"),
                                                    header("Retry-After").optional().saveAs("retryAfter")))
                                            .exec(WaitingRoom::pickSeat)
                                            .doIfOrElse(session -> session.getString("seat") != null).then(
                                                    exec(http(l + "waiting room hold").post("/api/bookings")
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
                                                                                    exec(http(l + "waiting room confirm")
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
    }

    static void openAfter(String queue, long seconds) {
        String opensAt = java.time.Instant.now().plusSeconds(seconds).toString();
        try {
            var answer = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                    .newBuilder(java.net.URI.create(System.getProperty("base.url") + queue))
                    .header("Authorization", "Bearer " + DevTokens.token("bench-admin", "admin"))
                    .header("Content-Type", "application/json")
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"opensAt\":\"" + opensAt + "\"}"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("setting the opening answered " + answer.statusCode() + ": " + answer.body());
            }
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException("could not set the opening", e);
        }
    }

    {
        // The warm-up room (if any) runs first, in this same JVM, so that the load generator's code is
        // compiled when the main room opens, as the service's is.
        var main = customers(new Crowd("", "")).injectOpen(
                rampUsers(Integer.getInteger("users")).during(Integer.getInteger("ramp.seconds")));
        if (System.getProperty("warm.show.id") != null) {
            setUp(customers(new Crowd("warm.", "warm-up ")).injectOpen(rampUsers(Integer.getInteger("warm.users"))
                    .during(Integer.getInteger("warm.ramp.seconds"))).andThen(main)).protocols(protocol);
        } else {
            setUp(main).protocols(protocol);
        }
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

    /** The labels of the seat map's available seats; none for an answer that is not a seat map. */
    private static List<String> availableSeats(byte[] body) {
        List<String> labels = new ArrayList<>();
        try (JsonParser json = JSON.createParser(body)) {
            String label = null;
            String status = null;
            int depth = 0;
            for (JsonToken token = json.nextToken(); token != null; token = json.nextToken()) {
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    depth++;
                } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    if (token == JsonToken.END_OBJECT && depth == 3 && "AVAILABLE".equals(status) && label != null) {
                        labels.add(label);
                    }
                    depth--;
                    label = depth == 2 ? null : label;
                    status = depth == 2 ? null : status;
                } else if (token == JsonToken.VALUE_STRING && depth == 3) { // {"seats": [ {...} ]}
                    if ("label".equals(json.currentName())) {
                        label = json.getText();
                    } else if ("status".equals(json.currentName())) {
                        status = json.getText();
                    }
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return labels;
    }

    private static Session pickSeat(Session session) {
        List<String> available = session.contains("available") ? session.getList("available") : List.of();
        String seat = available.isEmpty() ? null : available.get(ThreadLocalRandom.current().nextInt(available.size()));
        return seat == null ? session.remove("seat") : session.set("seat", seat);
    }
}
