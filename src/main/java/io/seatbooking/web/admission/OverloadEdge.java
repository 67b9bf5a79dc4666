package io.seatbooking.web.admission;

import java.io.IOException;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.seatbooking.db.RequestBudget;
import io.seatbooking.web.problem.Problem;
import io.seatbooking.web.problem.ProblemType;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The first thing every API request meets:
 * <ul>
 * <li>it gets its {@link RequestBudget} (deadline, and whether its client is still there), so
 * that its database work takes connections from the request pool and never starts once the
 * answer is of no use;</li>
 * <li>a hold, confirm or cancel passes {@link Admission}, at once or after a short wait for a
 * slot, or is answered {@code 503 overloaded} with a jittered {@code Retry-After}; holds are shed
 * first. A waiting-room join passes
 * the joins' own limit the same way: refused here, before its token is verified or its body read,
 * a crowd's surplus costs next to nothing, where refused further in (no database connection) each
 * refusal cost a whole request. Reads are not limited: the seat map, shows and queue polls are
 * answered from memory and must not wait behind writes.</li>
 * </ul>
 */
@Singleton
public class OverloadEdge {

    // Before the body limit (-3) and the rest of the API routes: a shed request reads no body.
    private static final int ORDER = -4;
    private static final Pattern WRITE = Pattern.compile("/api/bookings(/[^/]+/(confirm|cancel))?/?");
    private static final Pattern JOIN = Pattern.compile("/api/shows/[^/]+/queue/?");

    private final Admission admission;
    private final AdmissionConfig config;
    private final ObjectMapper json;
    private final Buffer overloaded;

    public OverloadEdge(Admission admission, AdmissionConfig config, ObjectMapper json) throws JsonProcessingException {
        this.admission = admission;
        this.config = config;
        this.json = json;
        this.overloaded = Buffer.buffer(json.writeValueAsBytes(Problem.of(ProblemType.OVERLOADED,
                "The service is at capacity; retry after the number of seconds in Retry-After.")));
    }

    void install(@Observes Router router) {
        router.route("/api/*").order(ORDER).handler(this::handle);
    }

    private void handle(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        new RequestBudget(System.nanoTime() + config.requestDeadline().toNanos(),
                () -> response.closed() || response.ended()).attach();
        if (!admission.enabled() || ctx.request().method() != HttpMethod.POST) {
            ctx.next();
            return;
        }
        String path = ctx.normalizedPath();
        Matcher write = WRITE.matcher(path);
        if (write.matches()) {
            boolean hold = write.group(1) == null;
            // While it waits for a slot its body stays unread (Quarkus resumed the request for this
            // route; proceed resumes it again).
            ctx.request().pause();
            admission.admit(customer(ctx.request().getHeader(HttpHeaders.AUTHORIZATION)), hold,
                    Vertx.currentContext(), ticket -> proceed(ctx, ticket, Admission.Lane.WRITE));
        } else if (JOIN.matcher(path).matches()) {
            proceed(ctx, admission.admitJoin(customer(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))),
                    Admission.Lane.JOIN);
        } else {
            ctx.next();
        }
    }

    /** Refused: {@code 503 overloaded}; admitted: on to the rest of the routes, its end measured. */
    private void proceed(RoutingContext ctx, Optional<Admission.Ticket> ticket, Admission.Lane lane) {
        ctx.request().resume();
        HttpServerResponse response = ctx.response();
        if (response.closed()) {
            // Its client left while it waited for a slot: nothing to answer, the slot back at once.
            ticket.ifPresent(Admission.Ticket::ignored);
            return;
        }
        if (ticket.isEmpty()) {
            shed(response, admission.retryAfterSeconds(lane));
            return;
        }
        Admission.Ticket admitted = ticket.get();
        ctx.addEndHandler(ended -> {
            if (ended.failed()) {
                admitted.ignored();
            } else if (response.getStatusCode() == 503) {
                admitted.dropped();
            } else if (response.getStatusCode() >= 500) {
                admitted.ignored();
            } else {
                admitted.done();
            }
        });
        ctx.next();
    }

    private void shed(HttpServerResponse response, long retryAfterSeconds) {
        response.setStatusCode(ProblemType.OVERLOADED.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds))
                .end(overloaded);
    }

    /**
     * Whose share a request counts against: the token's subject, read without verifying the
     * token (verification comes later, in the REST layer; a forged token holds its slot only
     * until it is refused there). No token, or one that cannot be read, counts as "anonymous".
     */
    String customer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return "anonymous";
        }
        String token = authorization.substring(7).trim();
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (second < 0) {
            return "anonymous";
        }
        try {
            byte[] payload = Base64.getUrlDecoder().decode(token.substring(first + 1, second));
            String sub = topLevelText(payload, "sub");
            return sub != null ? "sub:" + sub : "anonymous";
        } catch (RuntimeException | IOException e) {
            return "anonymous";
        }
    }

    /**
     * The text value of the top-level field {@code name} of the JSON object {@code payload}, or
     * null: read token by token up to that field, without building the object (this runs for
     * every write request, shed ones included).
     */
    private String topLevelText(byte[] payload, String name) throws IOException {
        try (JsonParser parser = json.getFactory().createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                boolean wanted = name.equals(parser.currentName());
                JsonToken value = parser.nextToken();
                if (wanted) {
                    return value == JsonToken.VALUE_STRING ? parser.getText() : null;
                }
                parser.skipChildren();
            }
            return null;
        }
    }
}
