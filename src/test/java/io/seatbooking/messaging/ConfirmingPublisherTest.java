package io.seatbooking.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;

import io.seatbooking.messaging.ConfirmingPublisher.FailureKind;
import io.seatbooking.messaging.ConfirmingPublisher.Outgoing;
import io.seatbooking.messaging.ConfirmingPublisher.PublishFailure;
import io.seatbooking.support.TestDatabase;

/**
 * The confirm-mode publisher against the real broker, directly and through a TCP proxy that the
 * test stalls or cuts: what it reports for each message is what the broker did with it.
 */
class ConfirmingPublisherTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String ROUTED = "routed";
    private static final String NOWHERE = "nowhere";

    private final String vhost = TestDatabase.virtualHost();
    private final String exchange = "test.publisher." + UUID.randomUUID();
    private final List<ConfirmingPublisher> publishers = new ArrayList<>();
    private Connection admin;
    private Channel adminChannel;
    private String queue;
    private NioReactor reactor;
    private TcpCrusher proxy;

    @BeforeEach
    void topology() throws Exception {
        admin = connections(5672).open("publisher-test");
        adminChannel = admin.createChannel();
        adminChannel.exchangeDeclare(exchange, "direct", false, true, null);
        queue = adminChannel.queueDeclare().getQueue();
        adminChannel.queueBind(queue, exchange, ROUTED);
    }

    @AfterEach
    void close() throws Exception {
        for (ConfirmingPublisher publisher : publishers) {
            publisher.shutdown().get(10, TimeUnit.SECONDS);
        }
        if (proxy != null) {
            proxy.close();
            reactor.close();
        }
        admin.abort();
    }

    @Test
    void aRoutedMessageIsConfirmedAndGoesOutExactlyAsGiven() throws Exception {
        ConfirmingPublisher publisher = byMessageId(5672);
        publisher.open().get(10, TimeUnit.SECONDS);
        AMQP.BasicProperties properties = properties("m-1").builder().headers(Map.of("traceparent", "00-x")).build();

        publisher.publishAll(List.of(new Outgoing(exchange, ROUTED, properties, body("one")))).get(0)
                .get(10, TimeUnit.SECONDS);

        GetResponse received = adminChannel.basicGet(queue, true);
        assertThat(received.getProps().getMessageId()).isEqualTo("m-1");
        assertThat(received.getProps().getHeaders()).containsOnlyKeys("traceparent");
        assertThat(new String(received.getBody(), StandardCharsets.UTF_8)).isEqualTo("one");
    }

    @Test
    void anUnroutableMandatoryMessageFailsAsReturnedAndOnlyThatOne() throws Exception {
        ConfirmingPublisher publisher = byMessageId(5672);
        publisher.open().get(10, TimeUnit.SECONDS);

        List<CompletableFuture<Void>> outcomes = publisher.publishAll(List.of(
                new Outgoing(exchange, ROUTED, properties("a"), body("a")),
                new Outgoing(exchange, NOWHERE, properties("b"), body("b")),
                new Outgoing(exchange, ROUTED, properties("c"), body("c"))));

        assertThat(kinds(outcomes)).containsExactly(null, FailureKind.RETURNED, null);
    }

    @Test
    void returnsAreMatchedBySequenceWhenMessageIdsRepeatOrAreAbsent() throws Exception {
        ConfirmingPublisher publisher = stamping(5672);
        List<CompletableFuture<Void>> outcomes = new ArrayList<>();
        for (String id : new String[] { "same", "same", null, null, "same" }) {
            for (String key : List.of(NOWHERE, ROUTED)) {
                outcomes.add(publisher.publish(new Outgoing(exchange, key, properties(id), body(key)), WAIT));
            }
        }

        assertThat(kinds(outcomes)).containsExactly(FailureKind.RETURNED, null, FailureKind.RETURNED, null,
                FailureKind.RETURNED, null, FailureKind.RETURNED, null, FailureKind.RETURNED, null);
        GetResponse received = adminChannel.basicGet(queue, true);
        assertThat(received.getProps().getHeaders()).containsKey("x-test-seq");
    }

    @Test
    void aNackedChannelTakesNothingNewAndOpeningGivesAFreshOne() throws Exception {
        // A full queue that rejects publishes makes the broker nack: a real nack, on a real channel.
        String full = adminChannel.queueDeclare("", false, true, true,
                Map.of("x-max-length", 1, "x-overflow", "reject-publish")).getQueue();
        adminChannel.queueBind(full, exchange, "full");
        List<Connection> opened = new CopyOnWriteArrayList<>();
        RabbitConnections recording = new RabbitConnections(settings(5672)) {
            @Override
            public Connection open(String purpose) throws IOException, TimeoutException {
                Connection c = super.open(purpose);
                opened.add(c);
                return c;
            }
        };
        ConfirmingPublisher publisher = new ConfirmingPublisher(recording, "publisher-test");
        publishers.add(publisher);
        publisher.open().get(10, TimeUnit.SECONDS);
        List<CompletableFuture<Void>> outcomes = publisher.publishAll(List.of(
                new Outgoing(exchange, "full", properties("fits"), body("fits")),
                new Outgoing(exchange, "full", properties("rejected"), body("rejected"))));
        assertThat(kinds(outcomes)).containsExactly(null, FailureKind.NACKED);

        assertThat(publisher.isOpen()).isFalse();
        assertThat(kinds(publisher.publishAll(List.of(new Outgoing(exchange, ROUTED, properties("unsent"), body("x"))))))
                .containsExactly(FailureKind.CONNECTION_LOST);
        assertThat(adminChannel.messageCount(queue)).isZero();

        publisher.open().get(10, TimeUnit.SECONDS);
        assertThat(publisher.isOpen()).isTrue();
        assertThat(kinds(publisher.publishAll(List.of(new Outgoing(exchange, ROUTED, properties("next"), body("x"))))))
                .containsOnlyNulls();
        // The nacked channel's connection closed, nothing on it awaiting an answer; the fresh one serves.
        assertThat(opened).hasSize(2);
        await().atMost(WAIT).until(() -> !opened.get(0).isOpen());
        assertThat(opened.get(1).isOpen()).isTrue();
    }

    @Test
    void aLostConnectionFailsWhatAwaitsItsConfirmAndTheNextPublishConnectsAgain() throws Exception {
        ConfirmingPublisher publisher = stamping(proxyPort());
        publisher.publish(new Outgoing(exchange, ROUTED, properties("before"), body("before")), WAIT)
                .get(10, TimeUnit.SECONDS);

        proxy.freeze();
        CompletableFuture<Void> cut = publisher.publish(new Outgoing(exchange, ROUTED, properties("cut"), body("cut")),
                WAIT);
        proxy.close();

        assertThat(kinds(List.of(cut))).containsExactly(FailureKind.CONNECTION_LOST);
        proxy.open();
        publisher.publish(new Outgoing(exchange, ROUTED, properties("after"), body("after")), WAIT)
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void noConfirmWithinTheTimeoutIsAFailureAndThePublishDoesNotWaitForTheBroker() throws Exception {
        ConfirmingPublisher publisher = stamping(proxyPort());
        publisher.open().get(10, TimeUnit.SECONDS);
        proxy.freeze();

        long started = System.nanoTime();
        CompletableFuture<Void> stalled = publisher.publish(
                new Outgoing(exchange, ROUTED, properties("stalled"), body("stalled")), Duration.ofMillis(300));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(100));

        assertThat(kinds(List.of(stalled))).containsExactly(FailureKind.TIMED_OUT);
    }

    @Test
    void messagesOverdueForTheirConfirmFailWhenTheOwnerSaysSo() throws Exception {
        ConfirmingPublisher publisher = byMessageId(proxyPort());
        publisher.open().get(10, TimeUnit.SECONDS);
        proxy.freeze();

        CompletableFuture<Void> stalled = publisher
                .publishAll(List.of(new Outgoing(exchange, ROUTED, properties("overdue"), body("overdue")))).get(0);
        await().atMost(WAIT).until(() -> publisher.failOlderThan(Duration.ofMillis(200).toNanos()) == 1);

        assertThat(kinds(List.of(stalled))).containsExactly(FailureKind.TIMED_OUT);
    }

    private ConfirmingPublisher byMessageId(int port) {
        ConfirmingPublisher publisher = new ConfirmingPublisher(connections(port), "publisher-test");
        publishers.add(publisher);
        return publisher;
    }

    private ConfirmingPublisher stamping(int port) {
        ConfirmingPublisher publisher = ConfirmingPublisher.stampingSequence(connections(port), "publisher-test",
                "x-test-seq");
        publishers.add(publisher);
        return publisher;
    }

    private RabbitConnections connections(int port) {
        return new RabbitConnections(settings(port));
    }

    private RabbitSettings settings(int port) {
        return new RabbitSettings("127.0.0.1", port, "guest", "guest", vhost, java.util.Optional.empty());
    }

    private int proxyPort() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        reactor = new NioReactor();
        proxy = TcpCrusherBuilder.builder().withReactor(reactor).withBindAddress("127.0.0.1", port)
                .withConnectAddress("127.0.0.1", 5672).buildAndOpen();
        return port;
    }

    /** Each outcome: null when confirmed, else the kind of failure. */
    private static List<FailureKind> kinds(List<CompletableFuture<Void>> outcomes) throws Exception {
        List<FailureKind> kinds = new ArrayList<>();
        for (CompletableFuture<Void> outcome : outcomes) {
            try {
                outcome.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                kinds.add(null);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(PublishFailure.class);
                kinds.add(((PublishFailure) e.getCause()).kind());
            }
        }
        return kinds;
    }

    private static AMQP.BasicProperties properties(String messageId) {
        return new AMQP.BasicProperties.Builder().messageId(messageId).deliveryMode(2).build();
    }

    private static byte[] body(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
