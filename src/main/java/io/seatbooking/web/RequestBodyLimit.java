package io.seatbooking.web;

import java.util.Locale;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.configuration.MemorySize;
import io.seatbooking.web.problem.Problem;
import io.seatbooking.web.problem.ProblemType;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.impl.RoutingContextInternal;

/**
 * Answers an API request body over {@code quarkus.http.limits.max-body-size} with a 413 problem
 * (Quarkus's own limit answers 413 with no body):
 *
 * <ul>
 * <li>a body announced larger ({@code Content-Length}) is refused before it is read, whatever
 * the protocol;</li>
 * <li>an HTTP/1.x body without a length (chunked) is read here, up to the limit, and refused
 * once it passes it;</li>
 * <li>everything else goes to the REST layer untouched. Under HTTP/2, and for forms (which no
 * endpoint accepts), the REST layer must read the body itself: a body already read for it makes
 * it fail. Quarkus's own limit still applies there.</li>
 * </ul>
 */
@Singleton
public class RequestBodyLimit {

    // Just ahead of Quarkus's upload-limit route (RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT = -2).
    private static final int ORDER = -3;
    private static final String READ_HERE = RequestBodyLimit.class.getName() + ".read";

    private final long limit;
    private final Buffer tooLarge;

    public RequestBodyLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize limit,
            ObjectMapper json) throws JsonProcessingException {
        this.limit = limit.asLongValue();
        this.tooLarge = Buffer.buffer(json.writeValueAsBytes(Problem.of(ProblemType.PAYLOAD_TOO_LARGE,
                "The request body is larger than " + this.limit + " bytes.")));
    }

    void install(@Observes Router router) {
        BodyHandler chunkedBodies = BodyHandler.create(false).setBodyLimit(limit);
        router.route("/api/*").order(ORDER)
                .handler(ctx -> {
                    String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
                    if (length != null) {
                        if (announcedTooLarge(length)) {
                            answerTooLarge(ctx);
                        } else {
                            ctx.next();
                        }
                    } else if (readsChunkedBodyHere(ctx)) {
                        ctx.put(READ_HERE, Boolean.TRUE);
                        chunkedBodies.handle(ctx);
                    } else {
                        ctx.next();
                    }
                })
                .handler(RequestBodyLimit::emptyBodyIsStillABody)
                .failureHandler(ctx -> {
                    if (ctx.statusCode() == 413 && !ctx.response().headWritten()) {
                        answerTooLarge(ctx);
                    } else {
                        ctx.next();
                    }
                });
    }

    private boolean announcedTooLarge(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > limit;
        } catch (NumberFormatException e) {
            return false; // the HTTP layer rejects a malformed length itself
        }
    }

    private static boolean readsChunkedBodyHere(RoutingContext ctx) {
        if (ctx.request().version() == HttpVersion.HTTP_2) {
            return false;
        }
        String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (contentType == null) {
            return true;
        }
        String type = contentType.toLowerCase(Locale.ROOT);
        return !type.startsWith("application/x-www-form-urlencoded") && !type.startsWith("multipart/");
    }

    /**
     * A chunked body read here may be empty, which the body handler leaves unset; the REST layer
     * would then wait for a body already consumed. An empty buffer lets it read "no entity".
     */
    private static void emptyBodyIsStillABody(RoutingContext ctx) {
        if (ctx.get(READ_HERE) != null && ctx.body().buffer() == null) {
            ((RoutingContextInternal) ctx).setBody(Buffer.buffer());
        }
        ctx.next();
    }

    private void answerTooLarge(RoutingContext ctx) {
        ctx.response()
                .setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(tooLarge);
    }
}
