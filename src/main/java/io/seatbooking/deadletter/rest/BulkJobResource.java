package io.seatbooking.deadletter.rest;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
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
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.security.identity.SecurityIdentity;
import io.seatbooking.deadletter.BulkJob;
import io.seatbooking.deadletter.service.BulkJobService;
import io.seatbooking.deadletter.service.DeadLetterOutcome;
import io.seatbooking.security.Caller;
import io.seatbooking.security.Roles;
import io.seatbooking.web.QueryParams;
import io.seatbooking.web.idempotency.IdempotencyService;
import io.seatbooking.web.idempotency.IdempotentRequest;
import io.seatbooking.web.idempotency.StoredResponse;
import io.seatbooking.web.problem.Problem;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * Bulk replay and discard of dead letters for administrators (docs/dead-letters.md): preview,
 * start (idempotent under {@code Idempotency-Key}), progress, the audit list, cancel.
 */
@Path("/api/admin/dead-letters/bulk")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class BulkJobResource {

    private final BulkJobService jobs;
    private final IdempotencyService idempotency;
    private final SecurityIdentity identity;
    private final ObjectMapper json;

    public BulkJobResource(BulkJobService jobs, IdempotencyService idempotency, SecurityIdentity identity,
            ObjectMapper json) {
        this.jobs = jobs;
        this.idempotency = idempotency;
        this.identity = identity;
        this.json = json;
    }

    @POST
    @Path("/preview")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "How many PARKED letters a bulk action would act on now, and how long it would take")
    @APIResponse(responseCode = "200", description = "The preview", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = BulkJobView.Preview.class)))
    @APIResponse(responseCode = "422", description = "invalid-request: no filter, bad field or time range")
    public Uni<BulkJobView.Preview> preview(@Valid @NotNull BulkRequest request) {
        return jobs.preview(request.action(), request.filter()).map(BulkJobView.Preview::of);
    }

    /** Starts a job: 202 with its Location; the letters are resolved in the background at the configured rate. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a bulk replay or discard of the PARKED letters matching a filter",
            description = "Throttled; resumable after a crash; a repeat with the same Idempotency-Key answers the "
                    + "first response (Idempotent-Replayed: true).")
    @APIResponse(responseCode = "202", description = "The job, started (COMPLETED at once if nothing matched)",
            headers = @Header(name = HttpHeaders.LOCATION, required = true, schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BulkJobView.class)))
    @APIResponse(responseCode = "422", description = "invalid-request: no filter, bad field or time range")
    @Parameter(name = IdempotencyService.HEADER, in = ParameterIn.HEADER)
    public Uni<Response> start(@Valid @NotNull BulkRequest request, @Context HttpServerRequest http) {
        // read from the request, not @HeaderParam: Quarkus REST hands an empty header over as null, and an
        // empty key is a 400, not "no key"
        String key = http.getHeader(IdempotencyService.HEADER);
        Caller caller = Caller.of(identity);
        IdempotentRequest repeatable = idempotency.request(caller.id(), key, "POST /api/admin/dead-letters/bulk", "",
                null, request);
        return idempotency.execute(repeatable, this::accepted, BulkJobResource::problemOf,
                hook -> jobs.start(caller, request.action(), request.filter(), hook))
                .map(StoredResponse::toResponse);
    }

    @GET
    @Operation(summary = "Bulk jobs, newest first: who ran what on which filter, and how far it got")
    @APIResponse(responseCode = "200", description = "One page of jobs", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = BulkJobView.Page.class)))
    @APIResponse(responseCode = "400", description = "malformed-request: bad page or size")
    public Uni<BulkJobView.Page> list(@QueryParam("page") String page, @QueryParam("size") String size) {
        return jobs.list(QueryParams.integer("page", page, 0), QueryParams.optionalInteger("size", size))
                .map(BulkJobView.Page::of);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One bulk job and its progress")
    @APIResponse(responseCode = "200", description = "The job", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = BulkJobView.class)))
    @APIResponse(responseCode = "404", description = "dead-letter-job-not-found")
    public Uni<BulkJobView> get(@PathParam("id") UUID id) {
        return jobs.get(id).map(BulkJobView::of);
    }

    @POST
    @Path("/{id}/cancel")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Stop a running bulk job after its current batch")
    @APIResponse(responseCode = "200", description = "The job, CANCELLED", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = BulkJobView.class)))
    @APIResponse(responseCode = "404", description = "dead-letter-job-not-found")
    @APIResponse(responseCode = "409", description = "dead-letter-job-finished")
    public Uni<BulkJobView> cancel(@PathParam("id") UUID id) {
        return jobs.cancel(id).map(BulkJobView::of);
    }

    private StoredResponse accepted(BulkJob job) {
        try {
            return new StoredResponse(202, MediaType.APPLICATION_JSON,
                    Map.of(HttpHeaders.LOCATION, "/api/admin/dead-letters/bulk/" + job.id()),
                    json.writeValueAsBytes(BulkJobView.of(job)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Bulk job cannot be serialised", e);
        }
    }

    private static Optional<Problem> problemOf(Throwable failure) {
        return failure instanceof DeadLetterOutcome outcome ? Optional.of(DeadLetterProblems.problem(outcome))
                : Optional.empty();
    }
}
