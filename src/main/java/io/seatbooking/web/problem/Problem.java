package io.seatbooking.web.problem;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An RFC 9457 problem details object. Extension members (such as {@code unavailableSeats}) are
 * serialised beside the standard members. Nothing here may carry internals: no exception class,
 * stack trace or SQL.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({ "type", "title", "status", "detail", "instance" })
public final class Problem {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final Set<String> STANDARD_MEMBERS = Set.of("type", "title", "status", "detail", "instance");

    private final URI type;
    private final String title;
    private final int status;
    private final String detail;
    private final Map<String, Object> extensions;

    private Problem(URI type, String title, int status, String detail, Map<String, Object> extensions) {
        this.type = type;
        this.title = title;
        this.status = status;
        this.detail = detail;
        this.extensions = extensions;
    }

    public static Problem of(ProblemType type, String detail) {
        return new Problem(type.uri(), type.title(), type.status(), detail, new LinkedHashMap<>());
    }

    /**
     * Returns a copy with one more extension member.
     *
     * @throws IllegalArgumentException if {@code name} is one of the standard members, which an
     *         extension would duplicate in the JSON object (RFC 9457 section 3.2)
     */
    public Problem with(String name, Object value) {
        if (STANDARD_MEMBERS.contains(name)) {
            throw new IllegalArgumentException("'" + name + "' is a standard problem member, not an extension");
        }
        Map<String, Object> copy = new LinkedHashMap<>(extensions);
        copy.put(name, value);
        return new Problem(type, title, status, detail, copy);
    }

    public URI getType() {
        return type;
    }

    public String getTitle() {
        return title;
    }

    public int getStatus() {
        return status;
    }

    public String getDetail() {
        return detail;
    }

    @JsonAnyGetter
    public Map<String, Object> getExtensions() {
        return extensions;
    }
}
