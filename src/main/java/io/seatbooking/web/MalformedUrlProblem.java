package io.seatbooking.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.seatbooking.web.problem.Problem;
import io.seatbooking.web.problem.ProblemType;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * A request URL that is not a valid URI, above all one with a {@code %} that starts no valid escape
 * (RFC 3986 2.1: {@code %} and two hex digits), in the path or the query, cannot be decoded.
 * Quarkus checks every request URI ({@code new URI(uri)}) before any route runs and refuses a bad
 * one with a bare 400 and no body; that check can only be switched off, with the system property
 * {@code vertx.disableURIValidation}, read when Quarkus's HTTP layer is loaded ({@link ServiceMain}
 * sets it). This class makes the same check itself, in a route ahead of every other, answering as
 * every other 400 does: a {@code malformed-request} problem ({@code FuzzFindingsTest}). Without
 * the property Quarkus's own check answers first, with its bare 400: nothing worse than before.
 */
@Singleton
public class MalformedUrlProblem {

    // Ahead of every route that reads the path or the query (Quarkus's own start at MIN_VALUE + 1).
    private static final int ORDER = Integer.MIN_VALUE + 10;
    private static final Pattern BROKEN_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");

    private final Buffer body;

    public MalformedUrlProblem(ObjectMapper json) throws JsonProcessingException {
        this.body = Buffer.buffer(json.writeValueAsBytes(Problem.of(ProblemType.MALFORMED_REQUEST,
                "The request URL is not valid (for example, a % must start an escape such as %2F).")));
    }

    /** The system property that switches Quarkus's own URI check off. */
    static final String DISABLE_QUARKUS_URI_CHECK = "vertx.disableURIValidation";

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::check);
    }

    /** Whether {@code uri} (path and query, as sent) is no valid URI, as Quarkus's own check decides, or has a broken escape. */
    static boolean invalid(String uri) {
        if (uri == null) {
            return true;
        }
        if (uri.indexOf('%') >= 0 && BROKEN_ESCAPE.matcher(uri).find()) {
            return true;
        }
        try {
            new URI(uri);
            return false;
        } catch (URISyntaxException e) {
            return true;
        }
    }

    private void check(RoutingContext ctx) {
        if (!invalid(ctx.request().uri())) {
            ctx.next();
            return;
        }
        ctx.response().setStatusCode(400)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(body);
    }
}
