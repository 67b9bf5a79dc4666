package io.seatbooking.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The broker connection settings. They are the SmallRye RabbitMQ connector's own keys
 * ({@code rabbitmq-host} and so on, or RABBITMQ_HOST as environment variables), so that the
 * consumer channels and this service's own connections (relay, topology) reach the same broker.
 */
@ApplicationScoped
public class RabbitSettings {

    private final String host;
    private final int port;
    private final String username;
    private final String password;
    private final String virtualHost;

    public RabbitSettings(
            @ConfigProperty(name = "rabbitmq-host", defaultValue = "localhost") String host,
            @ConfigProperty(name = "rabbitmq-port", defaultValue = "5672") int port,
            @ConfigProperty(name = "rabbitmq-username", defaultValue = "guest") String username,
            @ConfigProperty(name = "rabbitmq-password", defaultValue = "guest") String password,
            @ConfigProperty(name = "rabbitmq-virtual-host", defaultValue = "/") String virtualHost) {
        this.host = host;
        this.port = port;
        this.username = username;
        this.password = password;
        this.virtualHost = virtualHost;
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
