import java.util.Map;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

/**
 * Declares a durable queue of a given type and binds it to an existing exchange (the bench's
 * stand-in for a consumer service's own queue).
 *
 * usage: java -cp 'tools/target/lib/*' lib/Declare.java <vhost> <queue> <classic|quorum> <exchange> <binding key>
 */
public class Declare {
    public static void main(String[] args) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setVirtualHost(args[0]);
        try (Connection connection = factory.newConnection("bench declare");
                Channel channel = connection.createChannel()) {
            channel.queueDelete(args[1]);
            channel.queueDeclare(args[1], true, false, false, Map.of("x-queue-type", args[2]));
            channel.queueBind(args[1], args[3], args[4]);
        }
    }
}
