package io.seatbooking.queue.rest;

import java.time.Instant;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import io.quarkus.security.identity.SecurityIdentity;
import io.seatbooking.queue.service.QueueStatus;
import io.seatbooking.queue.service.WaitingRoomService;
import io.seatbooking.security.Caller;
import io.seatbooking.security.Roles;
import io.seatbooking.web.EntityTags;
import io.smallrye.mutiny.Uni;

/**
 * A show's waiting room (docs/waiting-room.md): an admin sets its opening, customers join and
 * poll their place until admitted.
 */
@Path("/api/shows/{showId}/queue")
@Produces(MediaType.APPLICATION_JSON)
public class WaitingRoomResource {

    /** The ticket a client sends back with each poll. */
    public static final String TICKET_HEADER = "Queue-Ticket";
    /** How long the client should wait before its next poll, in milliseconds (jittered). */
    public static final String POLL_AFTER_HEADER = "Queue-Poll-After";

    private static final CacheControl PRIVATE_REVALIDATE = CacheControl.valueOf("private, no-cache");

    /** The opening of a show's waiting room. */
    public record OpeningRequest(@NotNull Instant opensAt) {
    }

    private final WaitingRoomService rooms;
    private final SecurityIdentity identity;

    public WaitingRoomResource(WaitingRoomService rooms, SecurityIdentity identity) {
        this.rooms = rooms;
        this.identity = identity;
    }

    /** Gives the show a waiting room, or moves its opening while it has not opened. */
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Give the show a waiting room, or move its opening while it has not opened (admin)")
    @APIResponse(responseCode = "200", description = "The waiting room", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WaitingRoomView.class)))
    @APIResponse(responseCode = "404", description = "show-not-found")
    @APIResponse(responseCode = "409", description = "waiting-room-opened: the opening cannot move any more")
    public Uni<WaitingRoomView> configure(@PathParam("showId") UUID showId, @Valid @NotNull OpeningRequest request) {
        return rooms.configure(showId, request.opensAt()).map(WaitingRoomView::of);
    }

    /** Joins the queue: 201 with a new ticket, 200 with the same ticket on a repeat. */
    @POST
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed(Roles.CUSTOMER)
    @Operation(summary = "Join the show's queue (customer); a repeat answers the same ticket")
    @APIResponse(responseCode = "201", description = "Joined: a new ticket", headers = { @Header(name = HttpHeaders.ETAG, required = true, schema = @Schema(type = SchemaType.STRING)),
            @Header(name = POLL_AFTER_HEADER, description = "Milliseconds to wait before the next poll (jittered)", schema = @Schema(type = SchemaType.INTEGER)) }, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = QueueStatusView.class)))
    @APIResponse(responseCode = "200", description = "Already in the queue: the same ticket", headers = { @Header(name = HttpHeaders.ETAG, required = true, schema = @Schema(type = SchemaType.STRING)),
            @Header(name = POLL_AFTER_HEADER, description = "Milliseconds to wait before the next poll (jittered)", schema = @Schema(type = SchemaType.INTEGER)) }, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = QueueStatusView.class)))
    @APIResponse(responseCode = "404", description = "show-not-found; waiting-room-not-found")
    @APIResponse(responseCode = "409", description = "queue-closed: the show sold out")
    public Uni<Response> join(@PathParam("showId") UUID showId) {
        return rooms.join(Caller.of(identity), showId)
                .map(joined -> answer(joined.status(), joined.created() ? 201 : 200, null));
    }

    /** The caller's place; with the ticket of an earlier answer it costs no database read while waiting. */
    @GET
    @RolesAllowed(Roles.CUSTOMER)
    @Operation(summary = "The caller's place in the queue (customer); poll after Queue-Poll-After milliseconds")
    @Parameter(name = TICKET_HEADER, in = ParameterIn.HEADER, description = "The ticket of an earlier answer")
    @APIResponse(responseCode = "200", description = "The caller's place, or the admission once admitted", headers = {
            @Header(name = HttpHeaders.ETAG, required = true, schema = @Schema(type = SchemaType.STRING)), @Header(name = POLL_AFTER_HEADER, description = "Milliseconds to wait before the next poll (jittered)", schema = @Schema(type = SchemaType.INTEGER)) }, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = QueueStatusView.class)))
    @APIResponse(responseCode = "404", description = "show-not-found; waiting-room-not-found; queue-ticket-not-found "
            + "(join)")
    @APIResponse(responseCode = "409", description = "queue-closed: the show sold out")
    public Uni<Response> status(@PathParam("showId") UUID showId, @HeaderParam(TICKET_HEADER) String ticket,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        return rooms.status(Caller.of(identity), showId, ticket).map(status -> answer(status, 200, ifNoneMatch));
    }

    private static Response answer(QueueStatus status, int code, String ifNoneMatch) {
        QueueStatusView view = QueueStatusView.of(status);
        String etag = view.etag();
        Response.ResponseBuilder response = EntityTags.noneMatchHits(ifNoneMatch, etag) ? Response.notModified()
                : Response.status(code).entity(view);
        if (status.nextPoll() != null) {
            response.header(POLL_AFTER_HEADER, status.nextPoll().toMillis());
        }
        return response.header(HttpHeaders.ETAG, etag).header(HttpHeaders.VARY, "Authorization, " + TICKET_HEADER)
                .cacheControl(PRIVATE_REVALIDATE).build();
    }
}
