package io.seatbooking.booking.rest;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
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
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;
import io.seatbooking.booking.BookingStatus;
import io.seatbooking.booking.BookingView;
import io.seatbooking.booking.IfMatch;
import io.seatbooking.booking.service.BookingLifecycleService;
import io.seatbooking.booking.service.BookingQueryService;
import io.seatbooking.booking.service.HoldService;
import io.seatbooking.queue.service.AdmissionGate;
import io.seatbooking.security.Caller;
import io.seatbooking.security.Roles;
import io.seatbooking.web.EntityTags;
import io.seatbooking.web.OptionalJsonBody;
import io.seatbooking.web.QueryParams;
import io.seatbooking.web.idempotency.IdempotencyService;
import io.seatbooking.web.idempotency.IdempotentRequest;
import io.seatbooking.web.idempotency.StoredResponse;
import io.smallrye.mutiny.Uni;

/** Holds, confirmations, cancellations and reads of bookings. */
@Path("/api/bookings")
@Produces(MediaType.APPLICATION_JSON)
public class BookingResource {

    private final HoldService holds;
    private final BookingLifecycleService lifecycle;
    private final BookingQueryService queries;
    private final IdempotencyService idempotency;
    private final BookingResponses responses;
    private final SecurityIdentity identity;
    private final OptionalJsonBody optionalBodies;

    public BookingResource(HoldService holds, BookingLifecycleService lifecycle, BookingQueryService queries,
            IdempotencyService idempotency, BookingResponses responses, SecurityIdentity identity,
            OptionalJsonBody optionalBodies) {
        this.optionalBodies = optionalBodies;
        this.holds = holds;
        this.lifecycle = lifecycle;
        this.queries = queries;
        this.idempotency = idempotency;
        this.responses = responses;
        this.identity = identity;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.CUSTOMER)
    @Operation(summary = "Hold seats, all or none (customer); the booking freezes their total")
    @Parameter(name = IdempotencyService.HEADER, in = ParameterIn.HEADER)
    @Parameter(name = AdmissionGate.HEADER, in = ParameterIn.HEADER, description = "The caller's admission from the "
            + "show's waiting room, on a show that has one (docs/waiting-room.md)", schema = @Schema(type = SchemaType.STRING))
    @APIResponse(responseCode = "201", description = "Held; Location and ETag name the booking",
            headers = { @Header(name = HttpHeaders.LOCATION, required = true, schema = @Schema(type = SchemaType.STRING)),
                    @Header(name = HttpHeaders.ETAG, required = true, schema = @Schema(type = SchemaType.STRING)) },
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BookingView.class)))
    @APIResponse(responseCode = "403", description = "admission-required (join): the show has a waiting room and no "
            + "valid Admission-Token was sent")
    @APIResponse(responseCode = "404", description = "show-not-found")
    @APIResponse(responseCode = "409", description = "seat-unavailable (unavailableSeats); show-not-on-sale "
            + "(showStatus, startsAt, salesStart, salesEnd); concurrent-update")
    @APIResponse(responseCode = "422", description = "invalid-request (duplicateSeats, unknownSeats, errors)")
    public Uni<Response> hold(@Valid @NotNull HoldRequest request,
            @Context HttpServerRequest http) {
        String key = http.getHeader(IdempotencyService.HEADER);
        String admissionToken = http.getHeader(AdmissionGate.HEADER);
        Caller caller = Caller.of(identity);
        IdempotentRequest repeatable = idempotency.request(caller.id(), key, "POST /api/bookings", "", null, request);
        return idempotency.execute(repeatable, responses::created, BookingProblems::of,
                hook -> holds.hold(caller, request.showId(), request.seats(), admissionToken, hook))
                .map(StoredResponse::toResponse);
    }

    /** The body is optional: an empty POST, whatever its Content-Type, confirms without a reference. */
    @POST
    @Path("/{id}/confirm")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed({ Roles.CUSTOMER, Roles.ADMIN })
    @Operation(summary = "Confirm a HELD booking (owner or admin); the body is optional")
    @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ConfirmRequest.class)))
    @Parameter(name = IdempotencyService.HEADER, in = ParameterIn.HEADER)
    @APIResponse(responseCode = "200", description = "Confirmed; ETag is the new version", headers = @Header(
            name = HttpHeaders.ETAG, required = true, schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BookingView.class)))
    @APIResponse(responseCode = "404", description = "booking-not-found (also another customer's booking)")
    @APIResponse(responseCode = "409", description = "booking-state-conflict (bookingStatus); booking-expired; "
            + "concurrent-update")
    public Uni<Response> confirm(@PathParam("id") UUID id, String body,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatchHeader,
            @Context HttpServerRequest http) {
        String key = http.getHeader(IdempotencyService.HEADER);
        Caller caller = Caller.of(identity);
        ConfirmRequest request = optionalBodies.read(body, contentType, ConfirmRequest.class);
        IfMatch ifMatch = IfMatch.parse(ifMatchHeader);
        String paymentReference = request == null ? null : request.paymentReference();
        IdempotentRequest repeatable = idempotency.request(caller.id(), key, "POST /api/bookings/{id}/confirm",
                id.toString(), ifMatch.canonical(), request);
        return idempotency.execute(repeatable, responses::ok, BookingProblems::of,
                hook -> lifecycle.confirm(caller, id, ifMatch, paymentReference, hook))
                .map(StoredResponse::toResponse);
    }

    @POST
    @Path("/{id}/cancel")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed({ Roles.CUSTOMER, Roles.ADMIN })
    @Operation(summary = "Cancel a HELD or CONFIRMED booking (owner or admin); no body")
    @Parameter(name = IdempotencyService.HEADER, in = ParameterIn.HEADER)
    @APIResponse(responseCode = "200", description = "Cancelled; ETag is the new version", headers = @Header(
            name = HttpHeaders.ETAG, required = true, schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BookingView.class)))
    @APIResponse(responseCode = "404", description = "booking-not-found (also another customer's booking)")
    @APIResponse(responseCode = "409", description = "booking-state-conflict (bookingStatus); concurrent-update")
    public Uni<Response> cancel(@PathParam("id") UUID id,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatchHeader,
            @Context HttpServerRequest http) {
        String key = http.getHeader(IdempotencyService.HEADER);
        Caller caller = Caller.of(identity);
        IfMatch ifMatch = IfMatch.parse(ifMatchHeader);
        IdempotentRequest repeatable = idempotency.request(caller.id(), key, "POST /api/bookings/{id}/cancel",
                id.toString(), ifMatch.canonical(), null);
        return idempotency.execute(repeatable, responses::ok, BookingProblems::of,
                hook -> lifecycle.cancel(caller, id, ifMatch, hook))
                .map(StoredResponse::toResponse);
    }

    /** The booking with its ETag; {@code If-None-Match} naming it answers 304. */
    @GET
    @Path("/{id}")
    @RolesAllowed({ Roles.CUSTOMER, Roles.ADMIN })
    @Operation(summary = "A booking (owner or admin)")
    @APIResponse(responseCode = "200", description = "The booking; ETag is its version", headers = @Header(
            name = HttpHeaders.ETAG, required = true, schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BookingView.class)))
    @APIResponse(responseCode = "404", description = "booking-not-found (also another customer's booking)")
    public Uni<Response> get(@PathParam("id") UUID id, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        return queries.get(Caller.of(identity), id).map(booking -> {
            String etag = BookingResponses.etag(booking);
            return EntityTags.noneMatchHits(ifNoneMatch, etag)
                    ? Response.notModified().header(HttpHeaders.ETAG, etag).build()
                    : responses.ok(booking).toResponse();
        });
    }

    /** The caller's bookings (every booking for an admin), newest first. */
    @GET
    @RolesAllowed({ Roles.CUSTOMER, Roles.ADMIN })
    @Operation(summary = "The caller's bookings, every booking for an admin, newest first")
    @APIResponse(responseCode = "200", description = "One page",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BookingPageView.class)))
    @APIResponse(responseCode = "400", description = "malformed-request: a bad parameter or an impossible page")
    public Uni<BookingPageView> list(@QueryParam("showId") String showId,
            @Parameter(schema = @Schema(implementation = BookingStatus.class)) @QueryParam("status") String status,
            @QueryParam("page") String page, @QueryParam("size") String size) {
        return queries.list(Caller.of(identity), QueryParams.uuid("showId", showId),
                QueryParams.enumValue("status", status, BookingStatus.class), QueryParams.integer("page", page, 0),
                QueryParams.optionalInteger("size", size))
                .map(BookingPageView::of);
    }
}
