package io.seatbooking.messaging;

import java.util.Optional;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.rabbitmq.client.Address;

/**
 * The broker connection settings. They are the SmallRye RabbitMQ connector's own keys
 * ({@code rabbitmq-host} and so on, or RABBITMQ_HOST as environment variables), so that the
 * consumer channels and this service's own connections (relay, topology) reach the same broker.
 *
 * <p>{@code rabbitmq-addresses} (RABBITMQ_ADDRESSES), a comma-separated {@code host:port} list of
 * the cluster's nodes, overrides host and port: a connection tries the nodes in turn, and a
 * reconnect finds a live one.
 */
@Singleton
public class RabbitSettings {

    private final String host;
    private final int port;
    private final String username;
    private final String password;
    private final String virtualHost;
    private final Optional<String> addresses;

    public RabbitSettings(
            @ConfigProperty(name = "rabbitmq-host", defaultValue = "localhost") String host,
            @ConfigProperty(name = "rabbitmq-port", defaultValue = "5672") int port,
            @ConfigProperty(name = "rabbitmq-username", defaultValue = "guest") String username,
            @ConfigProperty(name = "rabbitmq-password", defaultValue = "guest") String password,
            @ConfigProperty(name = "rabbitmq-virtual-host", defaultValue = "/") String virtualHost,
            @ConfigProperty(name = "rabbitmq-addresses") Optional<String> addresses) {
        this.host = host;
        this.port = port;
        this.username = username;
        this.password = password;
        this.virtualHost = virtualHost;
        this.addresses = addresses.filter(a -> !a.isBlank());
    }

    /** The nodes to try, in order: {@code rabbitmq-addresses} if set, else host and port. */
    public Address[] addresses() {
        return addresses.map(Address::parseAddresses).orElseGet(() -> new Address[] { new Address(host, port) });
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    public String virtualHost() {
        return virtualHost;
    }
}
