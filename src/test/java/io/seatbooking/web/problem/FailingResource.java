package io.seatbooking.web.problem;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;

/**
 * Test-only endpoints that fail the way bugs do, with messages full of internals (SQL, class
 * names), so that tests can check what a client gets to see of an unexpected failure. It lives
 * in the test sources: the packaged service has no such endpoint. One more answers an error that
 * is not a problem at all, for the test that proves the tests' error-body guard catches it.
 */
@Path("/api/test-only/failures")
@PermitAll
@Produces(MediaType.APPLICATION_JSON)
public class FailingResource {

    @Operation(hidden = true) // test-only: not part of the contract
    @GET
    @Path("/database")
    public Uni<String> database() {
        return Uni.createFrom().failure(new PgException(
                "duplicate key value violates unique constraint \"booking_pkey\"", "ERROR", "23505",
                "Key (id)=(42) already exists. SELECT * FROM booking WHERE id = $1"));
    }

    @Operation(hidden = true) // test-only: not part of the contract
    @GET
    @Path("/bug")
    public String bug() {
        throw new IllegalStateException("Cannot invoke \"io.seatbooking.booking.Booking.id\" because \"booking\" is null");
    }

    /** A plain-text 418: the kind of error body no endpoint of the service may answer. */
    @Operation(hidden = true) // test-only: not part of the contract
    @GET
    @Path("/not-a-problem")
    @Produces(MediaType.TEXT_PLAIN)
    public Response notAProblem() {
        return Response.status(418).entity("I'm a teapot").build();
    }
}
