package io.seatbooking.web.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Whose share a write counts against: the unverified token's top-level subject, else "anonymous". */
class OverloadEdgeCustomerTest {

    private final OverloadEdge edge = edge();

    @Test
    void theTopLevelSubjectNamesTheCustomer() {
        assertThat(edge.customer(bearer("{\"iss\":\"x\",\"sub\":\"alice\",\"groups\":[\"customer\"]}")))
                .isEqualTo("sub:alice");
        assertThat(edge.customer("bearer " + token("{\"sub\":\"bob\"}"))).isEqualTo("sub:bob");
    }

    @Test
    void aSubjectInsideANestedValueIsNotTheSubject() {
        assertThat(edge.customer(bearer("{\"act\":{\"sub\":\"mallory\"},\"list\":[{\"sub\":\"eve\"}],\"sub\":\"carol\"}")))
                .isEqualTo("sub:carol");
        assertThat(edge.customer(bearer("{\"act\":{\"sub\":\"mallory\"}}"))).isEqualTo("anonymous");
    }

    @Test
    void whatCannotBeReadCountsAsAnonymous() {
        assertThat(edge.customer(null)).isEqualTo("anonymous");
        assertThat(edge.customer("Basic dXNlcjpwYXNz")).isEqualTo("anonymous");
        assertThat(edge.customer("Bearer no-dots")).isEqualTo("anonymous");
        assertThat(edge.customer("Bearer a.!!!.c")).isEqualTo("anonymous");
        assertThat(edge.customer(bearer("not json"))).isEqualTo("anonymous");
        assertThat(edge.customer(bearer("[\"sub\",\"alice\"]"))).isEqualTo("anonymous");
        assertThat(edge.customer(bearer("{\"sub\":42}"))).isEqualTo("anonymous");
        assertThat(edge.customer(bearer("{\"sub\":{\"id\":\"alice\"}}"))).isEqualTo("anonymous");
        assertThat(edge.customer(bearer("{\"iss\":\"x\""))).isEqualTo("anonymous");
    }

    private static String bearer(String payload) {
        return "Bearer " + token(payload);
    }

    private static String token(String payload) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".signature";
    }

    private static OverloadEdge edge() {
        try {
            return new OverloadEdge(null, null, new ObjectMapper());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
