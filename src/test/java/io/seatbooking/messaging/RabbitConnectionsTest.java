package io.seatbooking.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.RepeatedTest;

import com.rabbitmq.client.Connection;

/**
 * The service's own connections (relay, topology) take the cluster's address list: with one node
 * down and one up, a connection reaches the live one, whichever the shuffled order tries first.
 */
class RabbitConnectionsTest {

    @RepeatedTest(4)
    void aConnectionReachesTheLiveNodeOfTheAddressList() throws Exception {
        // rabbitmq-host/port name a dead node: the list must win over them.
        RabbitSettings settings = new RabbitSettings("127.0.0.1", 9, "guest", "guest", "/",
                Optional.of("127.0.0.1:9,127.0.0.1:5672"));
        try (Connection connection = new RabbitConnections(settings).open("address-list test")) {
            assertThat(connection.isOpen()).isTrue();
            assertThat(connection.getPort()).isEqualTo(5672);
        }
    }
}
