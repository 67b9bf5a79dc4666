package io.seatbooking.booking.rest;

import java.time.InstantSource;
import java.util.UUID;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import io.seatbooking.booking.IfMatch;
import io.seatbooking.booking.ShowSummary;
import io.seatbooking.booking.service.SeatMapCache;
import io.seatbooking.booking.service.ShowService;
import io.seatbooking.security.Roles;
import io.seatbooking.web.EntityTags;
import io.seatbooking.web.QueryParams;
import io.seatbooking.web.problem.ProblemException;
import io.seatbooking.web.problem.ProblemType;
import io.smallrye.mutiny.Uni;

/** Shows: the catalogue, single shows and their seat maps, creation, changes and cancellation. */
@Path("/api/shows")
@Produces(MediaType.APPLICATION_JSON)
public class ShowResource {

    private static final CacheControl REVALIDATE = CacheControl.valueOf("no-cache");

    private final ShowService shows;
    private final InstantSource clock;

    public ShowResource(ShowService shows, InstantSource clock) {
        this.shows = shows;
        this.clock = clock;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create a show with its priced seat map (admin)")
    @APIResponse(responseCode = "201", description = "Created; Location names the show, ETag is its version",
            headers = { @Header(name = HttpHeaders.LOCATION, required = true, schema = @Schema(type = SchemaType.STRING)),
                    @Header(name = HttpHeaders.ETAG, required = true, schema = @Schema(type = SchemaType.STRING)) },
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ShowView.class)))
    @APIResponse(responseCode = "422", description = "invalid-request (errors): seats, rows, times, currency or "
            + "price categories break a rule")
    public Uni<Response> create(@Valid @NotNull CreateShowRequest request) {
        return shows.create(request.toNewShow())
                .map(summary -> Response.status(Response.Status.CREATED)
                        .header(HttpHeaders.LOCATION, "/api/shows/" + summary.show().id())
                        .header(HttpHeaders.ETAG, ShowView.etag(summary.show()))
                        .entity(ShowView.of(summary, clock.instant())).build());
    }

    /** The catalogue, ordered by start. */
    @GET
    @PermitAll
    @Operation(summary = "The show catalogue (anyone): filter by start range and title text, ordered by start")
    @APIResponse(responseCode = "200", description = "One page of shows",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ShowPageView.class)))
    @APIResponse(responseCode = "400", description = "malformed-request: a bad parameter, an impossible page, from not before to")
    public Uni<ShowPageView> catalogue(@QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("q") String titleContains, @QueryParam("page") String page, @QueryParam("size") String size) {
        String text = QueryParams.text("q", titleContains);
        if (text != null && text.length() > 200) {
            throw ProblemException.of(ProblemType.MALFORMED_REQUEST, "q must be at most 200 characters.");
        }
        return shows.catalogue(QueryParams.instant("from", from), QueryParams.instant("to", to), text,
                QueryParams.integer("page", page, 0), QueryParams.optionalInteger("size", size))
                .map(result -> ShowPageView.of(result, clock.instant()));
    }

    @GET
    @Path("/{showId}")
    @PermitAll
    @Operation(summary = "A show with its status and seat counts (anyone)")
    @APIResponse(responseCode = "200", description = "The show; ETag is its version",
            headers = @Header(name = HttpHeaders.ETAG, required = true, schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ShowView.class)))
    @APIResponse(responseCode = "404", description = "show-not-found")
    public Uni<Response> get(@PathParam("showId") UUID showId) {
        return shows.get(showId).map(this::ok);
    }

    @PATCH
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/{showId}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Change a show's title and times (admin); If-Match with the show's ETag is required")
    @APIResponse(responseCode = "200", description = "The changed show (writes show.updated)",
            headers = @Header(name = HttpHeaders.ETAG, required = true, schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ShowView.class)))
    @APIResponse(responseCode = "404", description = "show-not-found")
    @APIResponse(responseCode = "409", description = "show-cancelled; concurrent-update")
    @APIResponse(responseCode = "422", description = "invalid-request (errors): a title or time breaks a rule")
    @APIResponse(responseCode = "428", description = "precondition-required: no If-Match")
    public Uni<Response> change(@PathParam("showId") UUID showId, @Valid @NotNull ChangeShowRequest request,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank()) {
            throw ProblemException.of(ProblemType.PRECONDITION_REQUIRED,
                    "Send If-Match with the show's ETag (from GET /api/shows/" + showId + ").");
        }
        return shows.change(showId, IfMatch.parse(ifMatch), request.toChange()).map(this::ok);
    }

    @POST
    @Path("/{showId}/cancel")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Cancel a show (admin): no new holds; its live bookings are cancelled in the background")
    @APIResponse(responseCode = "202", description = "Cancelled (writes show.cancelled); bookings follow in batches",
            headers = @Header(name = HttpHeaders.ETAG, required = true, schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ShowView.class)))
    @APIResponse(responseCode = "404", description = "show-not-found")
    @APIResponse(responseCode = "409", description = "concurrent-update")
    public Uni<Response> cancel(@PathParam("showId") UUID showId, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        return shows.cancel(showId, IfMatch.parse(ifMatch))
                .map(summary -> Response.accepted(ShowView.of(summary, clock.instant()))
                        .header(HttpHeaders.ETAG, ShowView.etag(summary.show())).build());
    }

    /** The seat map with a strong ETag; {@code If-None-Match} answers 304 while it is unchanged. */
    @GET
    @Path("/{showId}/seats")
    @PermitAll
    @Operation(summary = "The seat map with each seat's status, price category and price (anyone)")
    @APIResponse(responseCode = "200", description = "The seat map; ETag changes with any seat",
            headers = @Header(name = HttpHeaders.ETAG, required = true, schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SeatMapCache.SeatMapBody.class)))
    @APIResponse(responseCode = "404", description = "show-not-found")
    public Uni<Response> seats(@PathParam("showId") UUID showId,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        return shows.seatMap(showId).map(map -> {
            Response.ResponseBuilder response = EntityTags.noneMatchHits(ifNoneMatch, map.etag())
                    ? Response.notModified()
                    : Response.ok(map.json(), BookingResponses.JSON);
            return response.header(HttpHeaders.ETAG, map.etag()).cacheControl(REVALIDATE).build();
        });
    }

    private Response ok(ShowSummary summary) {
        return Response.ok(ShowView.of(summary, clock.instant())).header(HttpHeaders.ETAG, ShowView.etag(summary.show()))
                .build();
    }
}
