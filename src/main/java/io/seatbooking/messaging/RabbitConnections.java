package io.seatbooking.messaging;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeoutException;

import jakarta.inject.Singleton;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

/**
 * Opens this service's own AMQP connections (the SmallRye connector manages its own). Automatic
 * recovery is off: each user of a connection decides what a lost connection means for the
 * messages it had in flight, and reconnects itself.
 */
@Singleton
public class RabbitConnections {

    private final RabbitSettings settings;
    private final String instance;

    public RabbitConnections(RabbitSettings settings) {
        this.settings = settings;
        this.instance = hostname();
    }

    /**
     * Opens a connection, named for its purpose so that operators can tell the connections of
     * each replica apart in the broker's management UI. Blocking: call it off the event loop.
     */
    public Connection open(String purpose) throws IOException, TimeoutException {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUsername(settings.username());
        factory.setPassword(settings.password());
        factory.setVirtualHost(settings.virtualHost());
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        factory.setConnectionTimeout(5_000);
        factory.setHandshakeTimeout(5_000);
        factory.setRequestedHeartbeat(10);
        // The cluster's nodes in turn (shuffled, so that replicas spread over the nodes).
        List<Address> nodes = new ArrayList<>(List.of(settings.addresses()));
        Collections.shuffle(nodes);
        return factory.newConnection(nodes, "seat-booking " + purpose + " @" + instance);
    }

    /** The name of this replica (its host name), as shown in connection names. */
    public String instance() {
        return instance;
    }

    private static String hostname() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
