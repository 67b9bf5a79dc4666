package io.seatbooking.web;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A request body the API reads is JSON labelled {@code application/json} (parameters such as a
 * charset allowed), as the OpenAPI document says. JAX-RS matching also takes a wildcard
 * ({@code *}{@code /*}) and a malformed header ({@code application/json;;}) for JSON: those are a
 * {@code 415 unsupported-media-type} here. Operations that read no body ignore Content-Type, as
 * HTTP lets them.
 */
public class JsonContentType {

    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    /** RFC 9110 media-type: type "/" subtype *( OWS ";" OWS parameter ), parameter = token "=" ( token / quoted-string ). */
    private static final Pattern MEDIA_TYPE = Pattern.compile("(" + TOKEN + ")/(" + TOKEN + ")(?:[ \t]*;[ \t]*" + TOKEN
            + "=(?:" + TOKEN + "|\"(?:[^\"\\\\]|\\\\.)*\"))*[ \t]*");

    /** Whether a Content-Type header is a well-formed {@code application/json}. */
    public static boolean isJson(String header) {
        Matcher type = MEDIA_TYPE.matcher(header);
        return type.matches() && type.group(1).equalsIgnoreCase("application") && type.group(2).equalsIgnoreCase("json");
    }

    @ServerRequestFilter
    public void requireJson(ContainerRequestContext request, ResourceInfo resource) {
        Consumes consumes = resource.getResourceMethod() == null ? null
                : resource.getResourceMethod().getAnnotation(Consumes.class);
        String header = request.getHeaderString(HttpHeaders.CONTENT_TYPE);
        if (consumes != null && header != null && Arrays.asList(consumes.value()).contains(MediaType.APPLICATION_JSON)
                && !isJson(header)) {
            throw new NotSupportedException();
        }
    }
}
