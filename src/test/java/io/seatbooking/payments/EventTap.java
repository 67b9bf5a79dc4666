package io.seatbooking.payments;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DeliverCallback;

import io.seatbooking.messaging.EventTypes;

/**
 * A test's own exclusive queue bound to {@code booking.events}: what the relay really put on the
 * wire. Close it at the end of the test.
 */
public final class EventTap implements AutoCloseable {

    /** One event as received: routing key, message id and body. */
    public record Received(String routingKey, String messageId, String body) {
    }

    private final Connection connection;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    public EventTap() {
        try {
            connection = PaymentsTestSupport.broker().newConnection("payments-test-tap");
            Channel channel = connection.createChannel();
            String queue = channel.queueDeclare("", false, true, true, null).getQueue();
            channel.queueBind(queue, EventTypes.EXCHANGE, "booking.#");
            DeliverCallback onMessage = (tag, delivery) -> received.add(new Received(
                    delivery.getEnvelope().getRoutingKey(), delivery.getProperties().getMessageId(),
                    new String(delivery.getBody(), StandardCharsets.UTF_8)));
            channel.basicConsume(queue, true, onMessage, tag -> {
            });
        } catch (Exception e) {
            throw new IllegalStateException("Cannot tap booking.events", e);
        }
    }

    /** How many events of {@code type} about {@code subject} arrived. */
    public long count(Object subject, String type) {
        String marker = "\"subject\":\"" + subject + "\"";
        return received.stream().filter(r -> r.routingKey().equals(type) && r.body().contains(marker)).count();
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (Exception e) {
            // the test is over either way
        }
    }
}
