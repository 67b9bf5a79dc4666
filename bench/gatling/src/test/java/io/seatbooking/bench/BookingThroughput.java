package io.seatbooking.bench;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.csv;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

/**
 * Scenario 1, throughput, and scenario 5's load: bookings (hold one seat, then confirm it)
 * arriving at fixed rates, each on a seat of its own across many shows, so nothing contends.
 *
 * <p>One run covers a ladder of steps in one JVM (a fresh load generator per step would spend the
 * step's first seconds compiling itself). Each booking's latency is recorded in the group of the
 * step it arrived in, from its scheduled arrival, whenever it completes (no coordinated
 * omission). The wall-clock start of every step is written to {@code steps.file}, so that the
 * rate actually served in each step can be counted on the database.
 *
 * <p>Only a 201 hold and a 200 confirm are OK, so a step's OK percentiles are those of the
 * bookings the service admitted; a booking shed with 503 (admission control) or timed out is KO,
 * and bench/run tells the two apart with the service's 503 count.
 *
 * <p>System properties: {@code base.url}; {@code steps}: comma-separated {@code name:rate:seconds}
 * (bookings per second); {@code seats.csv} (showId,seat: each line used once); {@code tokens.csv};
 * {@code steps.file}.
 */
public class BookingThroughput extends Simulation {

    private record Step(String name, double rate, int seconds) {
    }

    private final List<Step> steps = parse(System.getProperty("steps"));
    private volatile long startedAt;

    private final HttpProtocolBuilder protocol = http.baseUrl(System.getProperty("base.url"))
            .contentTypeHeader("application/json").acceptHeader("application/json")
            // Clients behind a load balancer reuse connections.
            .shareConnections();

    private final ScenarioBuilder bookings = scenario("bookings")
            .feed(csv(System.getProperty("seats.csv")).queue())
            .feed(csv(System.getProperty("tokens.csv")).circular())
            .exec(session -> session.set("step", stepAt(System.currentTimeMillis())))
            .exec(group("#{step}").on(
                    exec(http("hold").post("/api/bookings")
                            .header("Authorization", "Bearer #{token}")
                            .body(StringBody("{\"showId\":\"#{showId}\",\"seats\":[\"#{seat}\"]}"))
                            .check(status().is(201), jsonPath("$.id").saveAs("bookingId")))
                    // A hold that was shed ends the booking (as KO): its confirm has no booking to
                    // name, and Gatling would log an error building it, one line per shed hold.
                    .exitHereIfFailed()
                    .exec(http("confirm").post("/api/bookings/#{bookingId}/confirm")
                            .header("Authorization", "Bearer #{token}")
                            .check(status().is(200)))));

    {
        List<OpenInjectionStep> injection = new ArrayList<>();
        for (Step step : steps) {
            injection.add(constantUsersPerSec(step.rate()).during(step.seconds()));
        }
        setUp(bookings.injectOpen(injection)).protocols(protocol);
    }

    @Override
    public void before() {
        startedAt = System.currentTimeMillis();
        StringBuilder starts = new StringBuilder();
        long at = startedAt;
        for (Step step : steps) {
            starts.append(step.name()).append(',').append(at).append(',').append(at + step.seconds() * 1000L)
                    .append('\n');
            at += step.seconds() * 1000L;
        }
        try {
            Files.writeString(Path.of(System.getProperty("steps.file")), starts);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String stepAt(long now) {
        long at = startedAt;
        for (Step step : steps) {
            at += step.seconds() * 1000L;
            if (now < at) {
                return step.name();
            }
        }
        return steps.get(steps.size() - 1).name();
    }

    private static List<Step> parse(String spec) {
        List<Step> parsed = new ArrayList<>();
        for (String part : spec.split(",")) {
            String[] f = part.split(":");
            parsed.add(new Step(f[0], Double.parseDouble(f[1]), Integer.parseInt(f[2])));
        }
        return parsed;
    }
}
