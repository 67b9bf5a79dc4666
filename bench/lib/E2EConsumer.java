import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;

/**
 * Scenario 5's consumer: a queue of its own on booking.events, consuming everything, recording
 * for each event the time from its change (the CloudEvent time, written by the transaction)
 * to its arrival here. Prints count, p50, p99 and max in milliseconds after the given seconds.
 *
 * usage: java -cp 'tools/target/lib/*' lib/E2EConsumer.java <vhost> <seconds> [routing key]
 */
public class E2EConsumer {

    private static final Pattern TIME = Pattern.compile("\"time\":\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setVirtualHost(args[0]);
        int seconds = Integer.parseInt(args[1]);
        String key = args.length > 2 ? args[2] : "booking.*";
        Recorder recorder = new Recorder(3);
        try (Connection connection = factory.newConnection("bench e2e consumer")) {
            Channel channel = connection.createChannel();
            String queue = channel.queueDeclare("", false, true, true, Map.of()).getQueue();
            channel.queueBind(queue, "booking.events", key);
            channel.basicQos(1000);
            channel.basicConsume(queue, true, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties,
                        byte[] body) {
                    long now = System.currentTimeMillis() * 1000 + (System.nanoTime() / 1000) % 1000;
                    Matcher m = TIME.matcher(new String(body, 0, Math.min(body.length, 600), StandardCharsets.UTF_8));
                    if (m.find()) {
                        Instant written = Instant.parse(m.group(1));
                        long micros = now - (written.getEpochSecond() * 1_000_000 + written.getNano() / 1000);
                        recorder.recordValue(Math.max(0, micros));
                    }
                }
            });
            System.out.println("ready");
            System.out.flush();
            TimeUnit.SECONDS.sleep(seconds);
        }
        Histogram h = recorder.getIntervalHistogram();
        System.out.printf("count=%d p50=%.2f p99=%.2f max=%.2f%n", h.getTotalCount(),
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
    }
}
