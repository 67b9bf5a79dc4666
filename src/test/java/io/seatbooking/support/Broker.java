package io.seatbooking.support;

import java.util.List;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

/**
 * The local RabbitMQ as tests reach it: connections to a virtual host (the suite's own,
 * {@link TestDatabase#virtualHost()}, or a reliability scenario's), and publishing with
 * publisher confirms, so that a test goes on only once the broker has taken every message.
 */
public final class Broker {

    public static final String HOST = "127.0.0.1";
    public static final int PORT = 5672;

    /** One message to publish. */
    public record Outgoing(String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body) {
    }

    private Broker() {
    }

    /** Connections to the test suite's virtual host. */
    public static ConnectionFactory factory() {
        return factory(TestDatabase.virtualHost());
    }

    /** Connections to {@code vhost} on the local broker, as guest. */
    public static ConnectionFactory factory(String vhost) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(HOST);
        factory.setPort(PORT);
        factory.setUsername("guest");
        factory.setPassword("guest");
        factory.setVirtualHost(vhost);
        return factory;
    }

    /** Publishes to the test suite's virtual host; see {@link #publish(ConnectionFactory, List)}. */
    public static void publish(List<Outgoing> messages) {
        publish(factory(), messages);
    }

    /**
     * Publishes the messages in order on one confirm channel (mandatory, so that an unroutable
     * one is not silently dropped) and waits for every confirm.
     */
    public static void publish(ConnectionFactory broker, List<Outgoing> messages) {
        try (Connection connection = broker.newConnection("test-publisher");
                Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            for (Outgoing m : messages) {
                channel.basicPublish(m.exchange(), m.routingKey(), true, m.properties(), m.body());
            }
            channel.waitForConfirmsOrDie(30_000);
        } catch (Exception e) {
            throw new IllegalStateException("Publishing failed", e);
        }
    }
}
