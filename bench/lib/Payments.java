import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;

/**
 * Scenario 6, payments: holds arrive at a fixed rate (one seat each, from the seats file), and
 * for every hold that succeeds a payment.succeeded goes to the payments exchange at once, as a
 * payment provider would send it. Records, per booking, the time from that publish to the
 * booking.confirmed event arriving on booking.events (the payment's wait in booking.payments plus
 * its processing plus the relay), and from that publish to the event's {@code time}, the moment
 * the service applied the payment (the booking's new updated_at, read from the same machine's
 * clock: the wait in booking.payments plus the processing, without the relay). Prints holds, shed
 * holds, published, applied and the p50, p99 and max in milliseconds of each (wait_* for the
 * second), and the deepest booking.payments was in its samples. Every second it asks the broker for the queue's depth (a passive declare on a
 * channel of its own: cheap, where a rabbitmqctl per second costs the broker's machine a core);
 * with a depth file it writes each sample there as "epoch-seconds depth".
 *
 * usage: java -cp 'tools/target/lib/*' lib/Payments.java <base url> <vhost> <seats.csv> <tokens.csv>
 *        <holds per second> <seconds> [depth file]
 */
public class Payments {

    private static final Pattern SUBJECT = Pattern.compile("\"subject\":\"([^\"]+)\"");
    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    private static final Pattern TIME = Pattern.compile("\"time\":\"([^\"]+)\"");

    /** When a payment was published: for the time to its event's arrival, and to its application. */
    private record Sent(long nanos, Instant at) {
    }

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        List<String> seats = Files.readAllLines(Path.of(args[2])).stream().skip(1).toList();
        List<String> tokens = Files.readAllLines(Path.of(args[3])).stream().skip(1).toList();
        double rate = Double.parseDouble(args[4]);
        int seconds = Integer.parseInt(args[5]);
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setVirtualHost(args[1]);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Map<String, Sent> publishedAt = new ConcurrentHashMap<>();
        Recorder waits = new Recorder(3);
        Recorder appliedWaits = new Recorder(3);
        AtomicLong holds = new AtomicLong(), shed = new AtomicLong(), failed = new AtomicLong(),
                published = new AtomicLong(), applied = new AtomicLong(), deepest = new AtomicLong();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try (Connection connection = factory.newConnection("bench payments");
                PrintWriter depths = new PrintWriter(args.length > 6 ? Files.newBufferedWriter(Path.of(args[6]))
                        : Writer.nullWriter(), true)) {
            Channel depthChannel = connection.createChannel();
            sampler.scheduleAtFixedRate(() -> {
                try {
                    long depth = depthChannel.queueDeclarePassive("booking.payments").getMessageCount();
                    deepest.accumulateAndGet(depth, Math::max);
                    depths.println(System.currentTimeMillis() / 1000 + " " + depth);
                } catch (java.io.IOException e) {
                    depths.println(System.currentTimeMillis() / 1000 + " ? " + e);
                }
            }, 0, 1, TimeUnit.SECONDS);
            Channel events = connection.createChannel();
            String queue = events.queueDeclare("", false, true, true, Map.of()).getQueue();
            events.queueBind(queue, "booking.events", "booking.confirmed");
            events.basicQos(1000);
            events.basicConsume(queue, true, new DefaultConsumer(events) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                    String head = new String(body, 0, Math.min(body.length, 600), StandardCharsets.UTF_8);
                    Matcher m = SUBJECT.matcher(head);
                    Sent sent = m.find() ? publishedAt.remove(m.group(1)) : null;
                    if (sent != null) {
                        waits.recordValue(Math.max(0, (System.nanoTime() - sent.nanos()) / 1000));
                        Matcher time = TIME.matcher(head);
                        if (time.find()) {
                            appliedWaits.recordValue(Math.max(0,
                                    Duration.between(sent.at(), Instant.parse(time.group(1))).toNanos() / 1000));
                        }
                        applied.incrementAndGet();
                    }
                }
            });
            Channel payments = connection.createChannel();
            long start = System.nanoTime();
            long interval = (long) (1e9 / rate);
            int total = (int) Math.min(seats.size(), rate * seconds);
            for (int i = 0; i < total; i++) {
                long wait = start + i * interval - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait); // pacing the arrivals
                }
                String[] seat = seats.get(i).split(",");
                HttpRequest hold = HttpRequest.newBuilder(base.resolve("/api/bookings")).timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + tokens.get(i % tokens.size()))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"showId\":\"" + seat[0] + "\",\"seats\":[\"" + seat[1] + "\"]}"))
                        .build();
                holds.incrementAndGet();
                http.sendAsync(hold, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                    if (error != null || (response.statusCode() != 201 && response.statusCode() != 503)) {
                        failed.incrementAndGet();
                        return;
                    }
                    if (response.statusCode() == 503) {
                        shed.incrementAndGet();
                        return;
                    }
                    Matcher id = ID.matcher(response.body());
                    if (!id.find()) {
                        failed.incrementAndGet();
                        return;
                    }
                    publish(payments, id.group(1), publishedAt);
                    published.incrementAndGet();
                });
            }
            TimeUnit.SECONDS.sleep(15); // the last payments: applied and relayed
            sampler.shutdown();
            sampler.awaitTermination(5, TimeUnit.SECONDS);
        }
        Histogram h = waits.getIntervalHistogram();
        Histogram a = appliedWaits.getIntervalHistogram();
        System.out.printf("holds=%d shed=%d failed=%d published=%d applied=%d p50=%.2f p99=%.2f max=%.2f "
                        + "wait_p50=%.2f wait_p99=%.2f wait_max=%.2f depth_max=%d%n",
                holds.get(), shed.get(), failed.get(), published.get(), applied.get(),
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0,
                a.getValueAtPercentile(50) / 1000.0, a.getValueAtPercentile(99) / 1000.0, a.getMaxValue() / 1000.0,
                deepest.get());
    }

    private static void publish(Channel channel, String bookingId, Map<String, Sent> publishedAt) {
        String id = UUID.randomUUID().toString();
        byte[] body = ("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/payments\","
                + "\"type\":\"payment.succeeded\",\"time\":\"" + Instant.now() + "\","
                + "\"datacontenttype\":\"application/json\",\"data\":{\"bookingId\":\"" + bookingId
                + "\",\"paymentId\":\"bench-" + id + "\",\"amountCents\":0,\"currency\":\"EUR\"}}").getBytes(StandardCharsets.UTF_8);
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().messageId(id)
                .contentType("application/cloudevents+json").deliveryMode(2).build();
        synchronized (channel) {
            publishedAt.put(bookingId, new Sent(System.nanoTime(), Instant.now()));
            try {
                channel.basicPublish("payments", "payment.succeeded", properties, body);
            } catch (java.io.IOException e) {
                publishedAt.remove(bookingId);
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
