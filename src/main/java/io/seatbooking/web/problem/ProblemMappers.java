package io.seatbooking.web.problem;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.seatbooking.db.DatabaseBusyException;
import io.seatbooking.db.DatabaseFailures;
import io.seatbooking.web.OptionalJsonBody;
import io.seatbooking.web.admission.Admission;

/**
 * Turns every failure that reaches the HTTP layer into an RFC 9457 problem response. Client
 * errors explain themselves; anything unexpected becomes a 500 that carries only an error id to
 * quote to operators, while the details go to the log.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    private final Admission admission;

    public ProblemMappers(Admission admission) {
        this.admission = admission;
    }

    /** No database connection in time for this request: shed, like a request the limit refused. */
    @ServerExceptionMapper
    public Response busy(DatabaseBusyException e) {
        admission.shedBusy();
        return ProblemResponses.of(Problem.of(ProblemType.OVERLOADED,
                "The service is at capacity; retry after the number of seconds in Retry-After."),
                Map.of("Retry-After", Long.toString(admission.retryAfterSeconds())));
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return ProblemResponses.of(e.problem(), e.headers());
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e) {
        List<Map<String, String>> errors = e.getConstraintViolations().stream()
                .sorted(Comparator.comparing(v -> field(v.getPropertyPath())))
                .map(v -> Map.of("field", field(v.getPropertyPath()), "message", v.getMessage()))
                .toList();
        String detail = errors.stream().map(m -> m.get("field") + ": " + m.get("message"))
                .collect(Collectors.joining("; "));
        return ProblemResponses.of(Problem.of(ProblemType.INVALID_REQUEST, detail).with("errors", errors));
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return ProblemResponses.unauthorized("A valid bearer token is required.");
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return ProblemResponses.unauthorized("The bearer token is not valid.");
    }

    @ServerExceptionMapper
    public Response authenticationCompletion(AuthenticationCompletionException e) {
        return ProblemResponses.unauthorized("The bearer token is not valid.");
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return ProblemResponses.of(Problem.of(ProblemType.FORBIDDEN, "Your role does not allow this operation."));
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return ProblemResponses.of(Problem.of(ProblemType.NOT_FOUND, "No resource at this path."));
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e) {
        Response problem = ProblemResponses.of(
                Problem.of(ProblemType.METHOD_NOT_ALLOWED, "This method is not supported on this resource."));
        String allow = e.getResponse().getHeaderString(HttpHeaders.ALLOW);
        return allow == null ? problem : Response.fromResponse(problem).header(HttpHeaders.ALLOW, allow).build();
    }

    @ServerExceptionMapper
    public Response notSupported(NotSupportedException e) {
        return ProblemResponses.of(
                Problem.of(ProblemType.UNSUPPORTED_MEDIA_TYPE, "Send the request body as application/json."));
    }

    @ServerExceptionMapper
    public Response notAcceptable(NotAcceptableException e) {
        return ProblemResponses.of(Problem.of(ProblemType.NOT_ACCEPTABLE,
                "This resource is available as application/json (errors as application/problem+json)."));
    }

    @ServerExceptionMapper
    public Response optionalBody(OptionalJsonBody.BodyException e) {
        return json(e.json());
    }

    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return ProblemResponses.of(Problem.of(ProblemType.MALFORMED_REQUEST, describe(e)));
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return json(json);
        }
        int status = e.getResponse().getStatus();
        if (status == 413) {
            return ProblemResponses.of(Problem.of(ProblemType.PAYLOAD_TOO_LARGE, "The request body is too large."));
        }
        if (status >= 500) {
            return unexpected(e);
        }
        if (status == 400) {
            return ProblemResponses.of(Problem.of(ProblemType.MALFORMED_REQUEST, "The request is malformed."));
        }
        return ProblemResponses.of(Problem.of(ProblemType.INVALID_REQUEST, "The request cannot be processed."));
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DatabaseBusyException busy) {
                return busy(busy);
            }
        }
        if (DatabaseFailures.isUnavailable(e)) {
            LOG.warnf("Dependency unavailable: %s", e.toString());
            return Response.fromResponse(ProblemResponses.of(Problem.of(ProblemType.SERVICE_UNAVAILABLE,
                    "A dependency of the service is unavailable; retry shortly.")))
                    .header("Retry-After", "1").build();
        }
        if (DatabaseFailures.isConcurrencyConflict(e)) {
            return ProblemResponses.of(Problem.of(ProblemType.CONCURRENT_UPDATE,
                    "The resource changed while the request ran; retry the request."));
        }
        String errorId = UUID.randomUUID().toString();
        LOG.errorf(e, "Unexpected failure, errorId=%s", errorId);
        return ProblemResponses.of(Problem.of(ProblemType.INTERNAL_ERROR,
                "The request failed unexpectedly. Quote the errorId to the operators.").with("errorId", errorId));
    }

    /** A message about the body that names the offending field but never a Java type. */
    static String describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return "Unknown field '" + path(unknown.getPath(), unknown.getPropertyName()) + "'.";
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return "Field '" + path(mapping.getPath(), null) + "' has an invalid value.";
        }
        return "The request body is not valid JSON.";
    }

    private static String path(List<JsonMappingException.Reference> refs, String leaf) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : refs) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        if (sb.isEmpty() && leaf != null) {
            return leaf;
        }
        return sb.toString();
    }

    /**
     * The field as the client knows it: the body's property path, without the method and
     * parameter nodes of a resource-method violation; "body" for the body as a whole.
     */
    private static String field(Path path) {
        StringBuilder field = new StringBuilder();
        for (Path.Node node : path) {
            if (node.getKind() == ElementKind.METHOD || node.getKind() == ElementKind.PARAMETER
                    || node.getKind() == ElementKind.CROSS_PARAMETER || node.getKind() == ElementKind.RETURN_VALUE) {
                continue;
            }
            if (node.getIndex() != null) {
                field.append('[').append(node.getIndex()).append(']');
            }
            if (node.getName() != null && node.getKind() != ElementKind.CONTAINER_ELEMENT) {
                if (!field.isEmpty()) {
                    field.append('.');
                }
                field.append(node.getName());
            }
        }
        return field.isEmpty() ? "body" : field.toString();
    }
}
