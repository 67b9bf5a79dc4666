package io.seatbooking.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Address;
import com.rabbitmq.client.AddressResolver;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ListAddressResolver;

/**
 * A test consumer, on {@code booking.events} unless a test names another exchange: a durable
 * queue of its own (so that it survives a broker restart and a lost connection), bound with a
 * routing key pattern, recording every delivery in arrival order. What the relay really put on
 * the wire. Close it at the end of the test (the queue is deleted; x-expires removes it if the
 * run dies first).
 */
public final class EventCollector implements AutoCloseable {

    /** The exchange the service publishes its booking and show events to. */
    public static final String BOOKING_EVENTS = "booking.events";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One delivery as it arrived, and when (epoch milliseconds). */
    public record Received(String messageId, String routingKey, String type, String subject, long sequence,
            AMQP.BasicProperties properties, byte[] body, JsonNode event, long receivedAtMillis) {
    }

    private final Connection connection;
    private final Channel channel;
    private final String queue;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private EventCollector(Connection connection, Channel channel, String queue) {
        this.connection = connection;
        this.channel = channel;
        this.queue = queue;
    }

    /** Starts collecting what {@code booking.events} routes with {@code bindingKey}, in the test suite's virtual host. */
    public static EventCollector bookingEvents(String bindingKey) {
        return start(Broker.factory(), BOOKING_EVENTS, bindingKey);
    }

    /**
     * Starts collecting what {@code exchange} routes with {@code bindingKey}, over a connection
     * of {@code broker} (which it sets to recover automatically).
     */
    public static EventCollector start(ConnectionFactory broker, String exchange, String bindingKey) {
        broker.setAutomaticRecoveryEnabled(true);
        broker.setNetworkRecoveryInterval(500);
        try {
            return start(broker.newConnection("test event collector"), exchange, bindingKey);
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("Cannot collect what " + exchange + " routes with " + bindingKey, e);
        }
    }

    /**
     * As {@link #start(ConnectionFactory, String, String)}, on a broker cluster: the connection
     * tries {@code nodes} in the order given (and recovers to any live one), and the collector's
     * queue is a quorum queue, so that it survives the loss of the node it lives on. RabbitMQ 3.10
     * places a quorum queue's leader on the node the declaring client is connected to, so the
     * first live node of the list leads the collector's queue.
     */
    public static EventCollector startOnCluster(ConnectionFactory broker, List<Address> nodes, String exchange,
            String bindingKey) {
        broker.setAutomaticRecoveryEnabled(true);
        broker.setNetworkRecoveryInterval(500);
        // The client shuffles an address list by default; this resolver keeps the caller's order.
        AddressResolver inOrder = new ListAddressResolver(nodes) {
            @Override
            public List<Address> maybeShuffle(List<Address> input) {
                return input;
            }
        };
        try {
            return start(broker.newConnection(null, inOrder, "test event collector"), exchange, bindingKey,
                    Map.of("x-expires", 600_000, "x-queue-type", "quorum"));
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("Cannot collect what " + exchange + " routes with " + bindingKey, e);
        }
    }

    private static EventCollector start(Connection connection, String exchange, String bindingKey) throws IOException {
        // x-expires removes the queue if a test run dies before close().
        return start(connection, exchange, bindingKey, Map.of("x-expires", 600_000));
    }

    private static EventCollector start(Connection connection, String exchange, String bindingKey,
            Map<String, Object> queueArguments) throws IOException {
        Channel channel = connection.createChannel();
        String queue = "test.events." + UUID.randomUUID();
        channel.queueDeclare(queue, true, false, false, queueArguments);
        channel.queueBind(queue, exchange, bindingKey);
        channel.basicQos(500);
        EventCollector collector = new EventCollector(connection, channel, queue);
        channel.basicConsume(queue, false, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
                    throws IOException {
                collector.record(envelope, properties, body);
                getChannel().basicAck(envelope.getDeliveryTag(), false);
            }
        });
        return collector;
    }

    private void record(Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
        JsonNode event = null;
        String subject = null;
        long sequence = -1;
        try {
            event = JSON.readTree(body);
            subject = event.path("subject").asText(null);
            sequence = Long.parseLong(event.path("sequence").asText("-1"));
        } catch (Exception ignored) {
            // not a CloudEvent: kept with subject null
        }
        received.add(new Received(properties.getMessageId(), envelope.getRoutingKey(), properties.getType(), subject,
                sequence, properties, body, event, System.currentTimeMillis()));
    }

    /** Everything received so far, in arrival order. */
    public List<Received> all() {
        return new ArrayList<>(received);
    }

    /** Deliveries about {@code subject}, in arrival order. */
    public List<Received> about(String subject) {
        return received.stream().filter(r -> subject.equals(r.subject())).toList();
    }

    /** How many deliveries about {@code subject} arrived with this routing key (an event type). */
    public long count(String subject, String routingKey) {
        return about(subject).stream().filter(r -> routingKey.equals(r.routingKey())).count();
    }

    @Override
    public void close() {
        try {
            try {
                channel.queueDelete(queue);
            } finally {
                connection.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
