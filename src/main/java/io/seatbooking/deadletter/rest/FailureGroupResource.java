package io.seatbooking.deadletter.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import io.seatbooking.deadletter.DeadLetterStatus;
import io.seatbooking.deadletter.repository.DeadLetterRepository;
import io.seatbooking.deadletter.service.FailureGroupService;
import io.seatbooking.security.Roles;
import io.seatbooking.web.QueryParams;
import io.smallrye.mutiny.Uni;

/** Dead letters grouped by cause, for administrators (docs/dead-letters.md). */
@Path("/api/admin/dead-letters/groups")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class FailureGroupResource {

    private final FailureGroupService groups;

    public FailureGroupResource(FailureGroupService groups) {
        this.groups = groups;
    }

    /** Groups with counts and first and last seen, most parked first, of the letters matching the filter. */
    @GET
    @Operation(summary = "Dead letters grouped by failure fingerprint, reason or message type",
            description = "by=group (default), reason or messageType; filtered by status, reason, messageType and "
                    + "parked time [from, to); paginated.")
    @APIResponse(responseCode = "200", description = "One page of groups", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = FailureGroupView.Page.class)))
    @APIResponse(responseCode = "400", description = "malformed-request: bad by, status, time, page or size")
    public Uni<FailureGroupView.Page> summarise(
            @Parameter(schema = @Schema(enumeration = { "group", "reason", "messageType" })) @QueryParam("by") String by,
            @Parameter(schema = @Schema(implementation = DeadLetterStatus.class)) @QueryParam("status") String status,
            @QueryParam("reason") String reason, @QueryParam("messageType") String messageType,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("page") String page,
            @QueryParam("size") String size) {
        DeadLetterRepository.Filter filter = new DeadLetterRepository.Filter(QueryParams.text("reason", reason), null,
                QueryParams.enumValue("status", status, DeadLetterStatus.class), QueryParams.instant("from", from),
                QueryParams.instant("to", to), null, QueryParams.text("messageType", messageType));
        return groups.summarise(GroupBy.parse(by), filter, QueryParams.integer("page", page, 0),
                QueryParams.optionalInteger("size", size)).map(FailureGroupView.Page::of);
    }
}
