package io.seatbooking.deadletter.rest;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import io.quarkus.security.identity.SecurityIdentity;
import io.seatbooking.deadletter.DeadLetterStatus;
import io.seatbooking.deadletter.repository.DeadLetterRepository;
import io.seatbooking.deadletter.service.DeadLetterService;
import io.seatbooking.security.Caller;
import io.seatbooking.security.Roles;
import io.seatbooking.web.QueryParams;
import io.smallrye.mutiny.Uni;

/** Dead letter operations for administrators: list, show, replay, discard. */
@Path("/api/admin/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class DeadLetterResource {

    private final DeadLetterService letters;
    private final SecurityIdentity identity;

    public DeadLetterResource(DeadLetterService letters, SecurityIdentity identity) {
        this.letters = letters;
        this.identity = identity;
    }

    /**
     * Parked messages, newest first, filtered by reason, routing key, status, time [from, to),
     * failure group (fingerprint) and message type.
     */
    @GET
    @Operation(summary = "Parked messages, newest first, filtered (admin)")
    @APIResponse(responseCode = "200", description = "One page of letters", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = DeadLetterPageView.class)))
    @APIResponse(responseCode = "400", description = "malformed-request: a bad filter, time range, page or size")
    public Uni<DeadLetterPageView> list(@QueryParam("reason") String reason,
            @QueryParam("routingKey") String routingKey,
            @Parameter(schema = @Schema(implementation = DeadLetterStatus.class)) @QueryParam("status") String status,
            @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("group") String group, @QueryParam("messageType") String messageType,
            @QueryParam("page") String page, @QueryParam("size") String size) {
        DeadLetterRepository.Filter filter = new DeadLetterRepository.Filter(QueryParams.text("reason", reason),
                QueryParams.text("routingKey", routingKey), QueryParams.enumValue("status", status, DeadLetterStatus.class),
                QueryParams.instant("from", from), QueryParams.instant("to", to), QueryParams.text("group", group),
                QueryParams.text("messageType", messageType));
        return letters.list(filter, QueryParams.integer("page", page, 0), QueryParams.optionalInteger("size", size))
                .map(DeadLetterPageView::of);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One letter with its headers and payload (admin)")
    @APIResponse(responseCode = "200", description = "The letter", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = DeadLetterView.class)))
    @APIResponse(responseCode = "404", description = "dead-letter-not-found")
    public Uni<DeadLetterView> get(@PathParam("id") UUID id) {
        return letters.get(id).map(DeadLetterView::full);
    }

    /** Sends the message again through the outbox; 202, as the publish follows the commit. */
    @POST
    @Path("/{id}/replay")
    @Operation(summary = "Send the message again through the outbox (admin); no body")
    @APIResponse(responseCode = "202", description = "Replayed: the publish follows the commit", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DeadLetterView.class)))
    @APIResponse(responseCode = "404", description = "dead-letter-not-found")
    @APIResponse(responseCode = "409", description = "dead-letter-already-resolved (letterStatus, resolvedAt, resolvedBy)")
    public Uni<Response> replay(@PathParam("id") UUID id) {
        return letters.replay(Caller.of(identity), id)
                .map(letter -> Response.accepted(DeadLetterView.summary(letter)).build());
    }

    /** Discards the message for good, recording who and when. */
    @DELETE
    @Path("/{id}")
    @Operation(summary = "Discard the message for good, recording who and when (admin)")
    @APIResponse(responseCode = "200", description = "Discarded", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = DeadLetterView.class)))
    @APIResponse(responseCode = "404", description = "dead-letter-not-found")
    @APIResponse(responseCode = "409", description = "dead-letter-already-resolved (letterStatus, resolvedAt, resolvedBy)")
    public Uni<DeadLetterView> discard(@PathParam("id") UUID id) {
        return letters.discard(Caller.of(identity), id).map(DeadLetterView::summary);
    }
}
