package io.seatbooking.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A part of the broker topology this service needs: exchanges, queues and bindings. Each
 * feature contributes its part as a bean; {@link TopologyDeclarer} declares them all at
 * start-up, and the Kubernetes manifests under k8s/ declare the same (a test compares them).
 */
public record Topology(List<Exchange> exchanges, List<Queue> queues, List<Binding> bindings) {

    public Topology {
        exchanges = List.copyOf(exchanges);
        queues = List.copyOf(queues);
        bindings = List.copyOf(bindings);
    }

    /** The parts together, in the order given. */
    public static Topology merge(Iterable<Topology> parts) {
        List<Exchange> exchanges = new ArrayList<>();
        List<Queue> queues = new ArrayList<>();
        List<Binding> bindings = new ArrayList<>();
        for (Topology part : parts) {
            exchanges.addAll(part.exchanges());
            queues.addAll(part.queues());
            bindings.addAll(part.bindings());
        }
        return new Topology(exchanges, queues, bindings);
    }

    /** A durable exchange of {@code type} (topic, direct, fanout, headers). */
    public record Exchange(String name, String type, Map<String, Object> arguments) {
        public Exchange {
            arguments = Map.copyOf(arguments);
        }
    }

    /** A durable queue; {@code arguments} carry x-queue-type, x-dead-letter-exchange and the like. */
    public record Queue(String name, Map<String, Object> arguments) {
        public Queue {
            arguments = Map.copyOf(arguments);
        }
    }

    /** A binding from exchange {@code source} to a queue or (if {@code toExchange}) an exchange. */
    public record Binding(String source, String destination, boolean toExchange, String routingKey) {
    }
}
