package io.seatbooking.deploy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The fields this repository may use in the operators' custom resources (CloudNativePG
 * {@code Cluster}, RabbitMQ {@code RabbitmqCluster} and Messaging Topology {@code Exchange},
 * {@code Queue}, {@code Binding}, {@code Policy}), after their CRDs. A field outside these is
 * reported, as the API server would reject it under strict field validation.
 */
final class CustomResources {

    private static final String LEAF = "";
    private static final String FREE = "*";

    private static final Map<String, Object> METADATA = Map.of("name", LEAF, "namespace", LEAF, "labels", FREE,
            "annotations", FREE);
    private static final Map<String, Object> CLUSTER_REF = Map.of("name", LEAF, "namespace", LEAF);
    private static final Map<String, Object> RESOURCES = Map.of("requests", FREE, "limits", FREE);

    static final Map<String, Map<String, Object>> SCHEMAS = Map.of(
            "Cluster", resource("postgresql.cnpg.io/v1", Map.of(
                    "instances", LEAF, "imageName", LEAF, "primaryUpdateStrategy", LEAF,
                    "bootstrap", Map.of("initdb", Map.of("database", LEAF, "owner", LEAF)),
                    "storage", Map.of("size", LEAF, "storageClass", LEAF),
                    "postgresql", Map.of("parameters", FREE, "synchronous", Map.of("method", LEAF, "number", LEAF,
                            "dataDurability", LEAF)),
                    "resources", RESOURCES,
                    "monitoring", Map.of("enablePodMonitor", LEAF))),
            "RabbitmqCluster", resource("rabbitmq.com/v1beta1", Map.of(
                    "replicas", LEAF, "image", LEAF,
                    "persistence", Map.of("storage", LEAF, "storageClassName", LEAF),
                    "resources", RESOURCES,
                    "rabbitmq", Map.of("additionalConfig", LEAF, "additionalPlugins", FREE))),
            "Exchange", resource("rabbitmq.com/v1beta1", Map.of(
                    "name", LEAF, "type", LEAF, "durable", LEAF, "autoDelete", LEAF, "arguments", FREE,
                    "vhost", LEAF, "rabbitmqClusterReference", CLUSTER_REF)),
            "Queue", resource("rabbitmq.com/v1beta1", Map.of(
                    "name", LEAF, "type", LEAF, "durable", LEAF, "autoDelete", LEAF, "arguments", FREE,
                    "vhost", LEAF, "rabbitmqClusterReference", CLUSTER_REF)),
            "Binding", resource("rabbitmq.com/v1beta1", Map.of(
                    "source", LEAF, "destination", LEAF, "destinationType", LEAF, "routingKey", LEAF,
                    "arguments", FREE, "vhost", LEAF, "rabbitmqClusterReference", CLUSTER_REF)),
            "Policy", resource("rabbitmq.com/v1beta1", Map.of(
                    "name", LEAF, "pattern", LEAF, "applyTo", LEAF, "definition", FREE, "priority", LEAF,
                    "vhost", LEAF, "rabbitmqClusterReference", CLUSTER_REF)));

    private CustomResources() {
    }

    private static Map<String, Object> resource(String apiVersion, Map<String, Object> spec) {
        return Map.of("apiVersion", apiVersion, "kind", LEAF, "metadata", METADATA, "spec", spec);
    }

    /** Paths of fields outside the kind's schema, or of a wrong apiVersion. */
    static List<String> unknownFields(JsonNode resource) {
        Map<String, Object> schema = SCHEMAS.get(resource.path("kind").asText());
        List<String> unknown = new ArrayList<>();
        if (!resource.path("apiVersion").asText().equals(schema.get("apiVersion"))) {
            unknown.add("apiVersion " + resource.path("apiVersion").asText());
        }
        check(resource, schema, "", unknown);
        return unknown;
    }

    @SuppressWarnings("unchecked")
    private static void check(JsonNode node, Map<String, Object> schema, String path, List<String> unknown) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            Object expected = schema.get(field.getKey());
            String at = path + "." + field.getKey();
            if (expected == null) {
                unknown.add(at);
            } else if (expected instanceof Map<?, ?> nested) {
                if (!field.getValue().isObject()) {
                    unknown.add(at + " (expected an object)");
                } else {
                    check(field.getValue(), (Map<String, Object>) nested, at, unknown);
                }
            } else if (LEAF.equals(expected) && field.getValue().isContainerNode()) {
                unknown.add(at + " (expected a value)");
            }
        }
    }
}
