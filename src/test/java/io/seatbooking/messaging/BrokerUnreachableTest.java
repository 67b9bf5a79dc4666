package io.seatbooking.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.seatbooking.support.Api;
import io.seatbooking.support.Tokens;

/**
 * The broker given as an address list whose only node refuses connections (rabbitmq-host and
 * rabbitmq-port still name the live test broker, so the list must be what every connection uses).
 * The replica stays ready and takes bookings: the broker is not on the booking path. Its readiness
 * reports the consumers as disconnected and the relay's broker connection as closed, as data.
 */
@QuarkusTest
@TestProfile(BrokerUnreachableTest.DeadBrokerAddresses.class)
class BrokerUnreachableTest {

    public static class DeadBrokerAddresses implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Port 9 (discard) is closed on the test machine: every connection is refused.
            return Map.of("rabbitmq-addresses", "127.0.0.1:9");
        }
    }

    @Test
    void readinessStaysUpAndBookingsGoOnWhileNoBrokerNodeCanBeReached() {
        String showId = Api.createShow("A1", "A2");
        Api.hold(Tokens.customer(Tokens.newCustomerId("nobroker")), showId, "A1").then().statusCode(201);

        JsonPath ready = JsonPath.from(given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP")).extract().asString());
        assertThat(ready.getList("checks.name")).contains("broker-consumers", "outbox-relay")
                .noneMatch(name -> name.toString().contains("Reactive Messaging"));
        assertThat(ready.getMap("checks.find { it.name == 'broker-consumers' }.data"))
                .containsEntry("payments", "disconnected").containsEntry("dead-letters", "disconnected");
        assertThat(ready.getMap("checks.find { it.name == 'outbox-relay' }.data"))
                .containsEntry("topologyDeclared", false);

        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }
}
