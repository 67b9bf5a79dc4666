package io.seatbooking.booking.rest;

import java.util.UUID;

import jakarta.annotation.security.PermitAll;
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
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.seatbooking.booking.service.ShowService;
import io.seatbooking.security.Roles;
import io.seatbooking.web.EntityTags;
import io.smallrye.mutiny.Uni;

/** Shows and their seat maps. */
@Path("/api/shows")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ShowResource {

    private static final CacheControl REVALIDATE = CacheControl.valueOf("no-cache");

    private final ShowService shows;

    public ShowResource(ShowService shows) {
        this.shows = shows;
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    public Uni<Response> create(@Valid @NotNull CreateShowRequest request) {
        return shows.create(request.title(), request.startsAt(), request.seats(), request.rows(),
                request.seatsPerRow())
                .map(summary -> Response.status(Response.Status.CREATED)
                        .header(HttpHeaders.LOCATION, "/api/shows/" + summary.show().id())
                        .entity(ShowView.of(summary)).build());
    }

    @GET
    @Path("/{showId}")
    @PermitAll
    public Uni<ShowView> get(@PathParam("showId") UUID showId) {
        return shows.get(showId).map(ShowView::of);
    }

    /** The seat map with a strong ETag; {@code If-None-Match} answers 304 while it is unchanged. */
    @GET
    @Path("/{showId}/seats")
    @PermitAll
    public Uni<Response> seats(@PathParam("showId") UUID showId,
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        return shows.seatMap(showId).map(map -> {
            Response.ResponseBuilder response = EntityTags.noneMatchHits(ifNoneMatch, map.etag())
                    ? Response.notModified()
                    : Response.ok(map.json(), BookingResponses.JSON);
            return response.header(HttpHeaders.ETAG, map.etag()).cacheControl(REVALIDATE).build();
        });
    }
}
