package io.seatbooking.deploy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.quarkus.test.junit.QuarkusTest;
import io.seatbooking.messaging.Topology;
import io.seatbooking.messaging.TopologyDeclarer;
import io.seatbooking.payments.PaymentsConfig;
import io.seatbooking.payments.PaymentsTopology;

/**
 * Checks every manifest under k8s/ for what a cluster would reject or what would fail at run
 * time: unknown fields, probes and ports the service does not serve, environment variables that
 * are no configuration key, selectors that match nothing, topology that differs from what the
 * service declares, and committed secret values.
 */
@QuarkusTest
class ManifestTest {

    private static final Path K8S = Path.of("k8s");
    private static final KubernetesSerialization KUBE = new KubernetesSerialization();
    /** Environment variables read by the container image rather than by the service. */
    private static final Set<String> IMAGE_VARIABLES = Set.of("JAVA_OPTS_APPEND");
    private static final Set<String> HEALTH_PATHS = Set.of("/q/health/live", "/q/health/ready", "/q/health/started");

    @Inject
    TopologyDeclarer declarer;
    @Inject
    PaymentsConfig paymentsConfig;

    @ParameterizedTest
    @ValueSource(strings = { "base", "overlays/dev", "overlays/prod" })
    void everyResourceParsesStrictlyIntoTheKubernetesModel(String dir) throws IOException {
        for (ObjectNode resource : Kustomize.build(K8S.resolve(dir))) {
            String kind = resource.path("kind").asText();
            String where = dir + ": " + kind + "/" + resource.path("metadata").path("name").asText();
            assertThat(resource.path("metadata").path("name").asText()).as(where)
                    .matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
            if (CustomResources.SCHEMAS.containsKey(kind)) {
                assertThat(CustomResources.unknownFields(resource)).as(where + " unknown fields").isEmpty();
            } else {
                Object typed = KUBE.unmarshal(resource.toString());
                assertThat(typed).as(where).isInstanceOf(HasMetadata.class);
                assertThat(typed.getClass().getSimpleName()).as(where).isEqualTo(kind);
                assertThat(unknownFields(typed, "")).as(where + " unknown fields").isEmpty();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "overlays/dev", "overlays/prod" })
    void probesAndPortsAreOnesTheServiceServes(String dir) throws IOException {
        Rendered k = Rendered.of(dir);
        Container container = k.container();
        int httpPort = Integer.parseInt(appProperty("quarkus.http.port"));
        assertThat(container.getPorts()).anySatisfy(p -> {
            assertThat(p.getName()).isEqualTo("http");
            assertThat(p.getContainerPort()).isEqualTo(httpPort);
        });
        for (Probe probe : List.of(container.getStartupProbe(), container.getLivenessProbe(),
                container.getReadinessProbe())) {
            assertThat(probe).as(dir + " probe").isNotNull();
            String path = probe.getHttpGet().getPath();
            assertThat(HEALTH_PATHS).contains(path);
            assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
            given().when().get(path).then().statusCode(200);
        }
        Service service = k.one(Service.class);
        assertThat(service.getSpec().getPorts()).allSatisfy(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo("http"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "overlays/dev", "overlays/prod" })
    void labelsAndSelectorsMatchThePods(String dir) throws IOException {
        Rendered k = Rendered.of(dir);
        Deployment deployment = k.one(Deployment.class);
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(podLabels).containsAllEntriesOf(k.one(Service.class).getSpec().getSelector());
        assertThat(podLabels).containsAllEntriesOf(k.one(PodDisruptionBudget.class).getSpec().getSelector().getMatchLabels());
        assertThat(podLabels).containsAllEntriesOf(k.one(NetworkPolicy.class).getSpec().getPodSelector().getMatchLabels());
        HorizontalPodAutoscaler hpa = k.one(HorizontalPodAutoscaler.class);
        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(deployment.getMetadata().getName());
        assertThat(hpa.getSpec().getMinReplicas()).isBetween(1, hpa.getSpec().getMaxReplicas());
        PodDisruptionBudget pdb = k.one(PodDisruptionBudget.class);
        if (pdb.getSpec().getMinAvailable() != null) {
            // A budget that needs every replica would block every node drain.
            assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isLessThan(hpa.getSpec().getMinReplicas());
        }
        // The network policy lets the pods reach the database and broker pods the operators label.
        String db = k.custom("Cluster").path("metadata").path("name").asText();
        String mq = k.custom("RabbitmqCluster").path("metadata").path("name").asText();
        List<Map<String, String>> egressTo = k.one(NetworkPolicy.class).getSpec().getEgress().stream()
                .flatMap(rule -> rule.getTo().stream())
                .filter(peer -> peer.getPodSelector() != null && peer.getNamespaceSelector() == null)
                .map(peer -> peer.getPodSelector().getMatchLabels()).toList();
        assertThat(egressTo).contains(Map.of("cnpg.io/cluster", db), Map.of("app.kubernetes.io/name", mq));
        String namespace = deployment.getMetadata().getNamespace();
        assertThat(k.all().stream().filter(r -> !r.path("kind").asText().equals("Namespace"))
                .map(r -> r.path("metadata").path("namespace").asText())).containsOnly(namespace);
    }

    @ParameterizedTest
    @ValueSource(strings = { "overlays/dev", "overlays/prod" })
    void environmentVariablesAreConfigurationKeysAndEveryRequiredKeyIsSet(String dir) throws IOException {
        Rendered k = Rendered.of(dir);
        Container container = k.container();
        Map<String, String> env = new LinkedHashMap<>();
        container.getEnvFrom().forEach(from -> {
            ConfigMap cm = k.configMap(from.getConfigMapRef().getName());
            cm.getData().forEach(env::put);
        });
        for (EnvVar var : container.getEnv()) {
            env.put(var.getName(), var.getValue() == null ? "<from " + var.getValueFrom() + ">" : var.getValue());
        }
        Map<String, String> keysByVariable = new HashMap<>();
        appKeys().forEach(key -> keysByVariable.put(environmentName(key), key));
        for (String variable : env.keySet()) {
            assertThat(keysByVariable.containsKey(variable) || IMAGE_VARIABLES.contains(variable))
                    .as(dir + ": " + variable + " is not a configuration key of the service").isTrue();
        }
        for (String key : keysWithoutProductionValue()) {
            assertThat(env).as(dir + ": production needs " + key).containsKey(environmentName(key));
        }
        // Credentials only ever come from the operators' Secrets; the waiting room's signing key from
        // the one Secret the deployment's operator creates (k8s/README.md#secrets).
        String db = k.custom("Cluster").path("metadata").path("name").asText();
        String mq = k.custom("RabbitmqCluster").path("metadata").path("name").asText();
        for (EnvVar var : container.getEnv()) {
            assertThat(var.getValue()).as(var.getName()).isNull();
            var ref = var.getValueFrom().getSecretKeyRef();
            if (var.getName().equals("WAITING_ROOM_TOKEN_SECRET")) {
                assertThat(ref.getName()).isEqualTo("seat-booking-waiting-room");
                assertThat(ref.getKey()).isEqualTo("token-secret");
                // Required: with an optional key, replicas started without it would each sign with
                // a random key of their own, and a ticket from one would be refused by the others.
                assertThat(ref.getOptional()).as(dir + ": the signing key must not be optional").isNotEqualTo(Boolean.TRUE);
                continue;
            }
            assertThat(ref.getName()).isIn(db + "-app", mq + "-default-user");
            assertThat(ref.getKey()).isIn("username", "password");
        }
        assertThat(env).as(dir + ": every replica must share the waiting room's signing key")
                .containsKey("WAITING_ROOM_TOKEN_SECRET");
        for (String variable : env.keySet()) {
            if (variable.contains("PASSWORD") || variable.contains("SECRET") || variable.endsWith("USERNAME")) {
                assertThat(container.getEnv()).as(variable + " must come from a Secret")
                        .anySatisfy(v -> assertThat(v.getName()).isEqualTo(variable));
            }
        }
        // Host names in the configuration are the Services the operators create.
        assertThat(env.get("QUARKUS_DATASOURCE_REACTIVE_URL")).contains("//" + db + "-rw:5432/");
        assertThat(env.get("RABBITMQ_HOST")).isEqualTo(mq);
    }

    @ParameterizedTest
    @ValueSource(strings = { "overlays/dev", "overlays/prod" })
    void podsRunHardenedAndShutDownGracefully(String dir) throws IOException {
        Rendered k = Rendered.of(dir);
        Deployment deployment = k.one(Deployment.class);
        Container c = k.container();
        assertThat(deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
        assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits()).containsKey("memory");
        assertThat(c.getImage()).matches("[^:]+:[0-9][^:]*").doesNotEndWith(":latest");
        long preStop = c.getLifecycle().getPreStop().getSleep().getSeconds();
        long shutdown = Duration.parse(appProperty("quarkus.shutdown.timeout")).toSeconds();
        long drain = Duration.parse(appProperty("outbox.relay.drain-timeout")).toSeconds();
        assertThat(deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
                .isGreaterThan(preStop + Math.max(shutdown, drain));
    }

    @Test
    void theProductionOverlayRunsThreeReplicas() throws IOException {
        Rendered k = Rendered.of("overlays/prod");
        assertThat(k.one(Deployment.class).getSpec().getReplicas()).isEqualTo(3);
        assertThat(k.one(HorizontalPodAutoscaler.class).getSpec().getMinReplicas()).isEqualTo(3);
        assertThat(k.custom("Cluster").path("spec").path("instances").asInt()).isEqualTo(3);
        assertThat(k.custom("RabbitmqCluster").path("spec").path("replicas").asInt()).isEqualTo(3);
        // The zone spread is added to, not swapped for, the base's node spread.
        assertThat(k.one(Deployment.class).getSpec().getTemplate().getSpec().getTopologySpreadConstraints())
                .extracting(c -> c.getTopologyKey())
                .containsExactlyInAnyOrder("kubernetes.io/hostname", "topology.kubernetes.io/zone");
    }

    @Test
    void theTopologyResourcesAreExactlyWhatTheServiceDeclares() throws IOException {
        Rendered k = Rendered.of("base");
        String cluster = k.custom("RabbitmqCluster").path("metadata").path("name").asText();
        Set<String> exchanges = new HashSet<>();
        Set<String> queues = new HashSet<>();
        Set<String> bindings = new HashSet<>();
        for (ObjectNode r : k.all()) {
            JsonNode spec = r.path("spec");
            switch (r.path("kind").asText()) {
                case "Exchange" -> exchanges.add(spec.path("name").asText() + " " + spec.path("type").asText() + " "
                        + args(spec.path("arguments")));
                case "Queue" -> {
                    Map<String, Object> args = new java.util.TreeMap<>(toMap(spec.path("arguments")));
                    args.put("x-queue-type", spec.path("type").asText("classic"));
                    queues.add(spec.path("name").asText() + " " + args);
                }
                case "Binding" -> bindings.add(spec.path("source").asText() + " -> "
                        + spec.path("destinationType").asText() + ":" + spec.path("destination").asText() + " "
                        + spec.path("routingKey").asText());
                default -> {
                    continue;
                }
            }
            assertThat(spec.path("rabbitmqClusterReference").path("name").asText()).isEqualTo(cluster);
            assertThat(spec.path("vhost").asText()).isEqualTo("/");
            assertThat(spec.path("durable").asBoolean(true)).isTrue();
            assertThat(spec.path("autoDelete").asBoolean(false)).isFalse();
        }
        Topology declared = productionTopology();
        assertThat(exchanges).containsExactlyInAnyOrderElementsOf(declared.exchanges().stream()
                .map(e -> e.name() + " " + e.type() + " " + new java.util.TreeMap<>(e.arguments())).toList());
        assertThat(queues).containsExactlyInAnyOrderElementsOf(declared.queues().stream()
                .map(q -> q.name() + " " + new java.util.TreeMap<>(q.arguments())).toList());
        assertThat(bindings).containsExactlyInAnyOrderElementsOf(declared.bindings().stream()
                .map(b -> b.source() + " -> " + (b.toExchange() ? "exchange" : "queue") + ":" + b.destination() + " "
                        + b.routingKey())
                .toList());
    }

    /**
     * CloudNativePG replicates synchronously wherever there is a standby (reliability/PostgresFailoverIT
     * shows what asynchronous replication loses), with enough instances that one standby down does
     * not stop writes; development's single instance has none to wait for.
     */
    @ParameterizedTest
    @ValueSource(strings = { "base", "overlays/prod" })
    void postgresReplicatesSynchronouslyToAnyOneStandby(String dir) throws IOException {
        JsonNode spec = Rendered.of(dir).custom("Cluster").path("spec");
        JsonNode synchronous = spec.path("postgresql").path("synchronous");
        assertThat(synchronous.path("method").asText()).isEqualTo("any");
        assertThat(synchronous.path("number").asInt()).isEqualTo(1);
        assertThat(synchronous.path("dataDurability").asText()).isEqualTo("required");
        // A primary plus two standbys: one standby may be down and commits still find one to wait for.
        assertThat(spec.path("instances").asInt()).isGreaterThanOrEqualTo(synchronous.path("number").asInt() + 2);
        assertThat(spec.path("postgresql").path("parameters").has("synchronous_standby_names"))
                .as("left to the operator").isFalse();
    }

    @Test
    void theSingleDevelopmentInstanceHasNoSynchronousStandbyToWaitFor() throws IOException {
        JsonNode spec = Rendered.of("overlays/dev").custom("Cluster").path("spec");
        assertThat(spec.path("instances").asInt()).isEqualTo(1);
        assertThat(spec.path("postgresql").has("synchronous")).isFalse();
    }

    @Test
    void everyQueueTheServiceOwnsIsAQuorumQueue() throws IOException {
        assertThat(productionTopology().queues()).isNotEmpty()
                .allSatisfy(q -> assertThat(q.arguments()).as(q.name()).containsEntry("x-queue-type", "quorum"));
        assertThat(Rendered.of("overlays/prod").all()).filteredOn(r -> r.path("kind").asText().equals("Queue"))
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.path("spec").path("type").asText()).as(r.path("metadata").path("name")
                        .asText()).isEqualTo("quorum"));
    }

    /**
     * The alternate exchange's queue (unroutable events) is bounded by a policy that refuses, not
     * drops: a refused event stays pending in the outbox, where the age alert sees it.
     */
    @Test
    void theUnroutableEventsQueueIsBoundedAndRefusesRatherThanDrops() throws IOException {
        String unroutable = productionTopology().exchanges().stream()
                .map(e -> (String) e.arguments().get("alternate-exchange")).filter(java.util.Objects::nonNull)
                .findFirst().orElseThrow();
        List<ObjectNode> policies = Rendered.of("overlays/prod").all().stream()
                .filter(r -> r.path("kind").asText().equals("Policy"))
                .filter(r -> unroutable.matches(r.path("spec").path("pattern").asText())).toList();
        assertThat(policies).hasSize(1);
        JsonNode spec = policies.get(0).path("spec");
        assertThat(spec.path("applyTo").asText()).isEqualTo("queues");
        assertThat(spec.path("definition").path("max-length").asLong()).isPositive();
        assertThat(spec.path("definition").path("overflow").asText()).isEqualTo("reject-publish");
        // The pattern is anchored: no other queue falls under the bound.
        assertThat(productionTopology().queues()).filteredOn(q -> q.name().matches(spec.path("pattern").asText()))
                .extracting(Topology.Queue::name).containsExactly(unroutable);
    }

    @Test
    void noSecretValueIsCommitted() throws IOException {
        try (Stream<Path> files = Files.walk(K8S)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(file);
                assertThat(text).as(file.toString()).doesNotContain("PRIVATE KEY");
                if (file.toString().endsWith(".yaml")) {
                    for (ObjectNode doc : Kustomize.readAll(file)) {
                        assertThat(doc.path("kind").asText()).as(file + " commits a Secret").isNotEqualTo("Secret");
                        assertThat(doc.toString().toLowerCase()).as(file.toString())
                                .doesNotContainPattern("\"(password|secret|token|apikey)\"\\s*:\\s*\"[^\"<]");
                    }
                }
            }
        }
    }

    /**
     * What the service declares with its production settings: the test profile's retry delays
     * are shorter, so their part of the payments topology is swapped for production's.
     */
    private Topology productionTopology() throws IOException {
        Topology declared = declarer.topology();
        Topology testPart = PaymentsTopology.of(paymentsConfig.retry().delays());
        List<Duration> productionDelays = Stream.of(appProperty("payments.retry.delays").split(","))
                .map(String::trim).map(Duration::parse).toList();
        Topology productionPart = PaymentsTopology.of(productionDelays);
        List<Topology.Exchange> exchanges = new ArrayList<>(declared.exchanges());
        List<Topology.Queue> queues = new ArrayList<>(declared.queues());
        List<Topology.Binding> bindings = new ArrayList<>(declared.bindings());
        exchanges.removeAll(testPart.exchanges());
        queues.removeAll(testPart.queues());
        bindings.removeAll(testPart.bindings());
        exchanges.addAll(productionPart.exchanges());
        queues.addAll(productionPart.queues());
        bindings.addAll(productionPart.bindings());
        return new Topology(exchanges, queues, bindings);
    }

    /** The rendered resources of one kustomization, and typed views of them. */
    record Rendered(List<ObjectNode> all) {
        static Rendered of(String dir) throws IOException {
            return new Rendered(Kustomize.build(K8S.resolve(dir)));
        }

        <T extends HasMetadata> T one(Class<T> type) {
            List<T> found = all.stream().filter(r -> r.path("kind").asText().equals(type.getSimpleName()))
                    .map(r -> KUBE.unmarshal(r.toString(), type)).toList();
            assertThat(found).as(type.getSimpleName()).hasSize(1);
            return found.get(0);
        }

        ObjectNode custom(String kind) {
            List<ObjectNode> found = all.stream().filter(r -> r.path("kind").asText().equals(kind)).toList();
            assertThat(found).as(kind).hasSize(1);
            return found.get(0);
        }

        ConfigMap configMap(String name) {
            return all.stream().filter(r -> r.path("kind").asText().equals("ConfigMap")
                    && r.path("metadata").path("name").asText().equals(name))
                    .map(r -> KUBE.unmarshal(r.toString(), ConfigMap.class)).findFirst()
                    .orElseThrow(() -> new AssertionError("no ConfigMap " + name));
        }

        Container container() {
            List<Container> containers = one(Deployment.class).getSpec().getTemplate().getSpec().getContainers();
            assertThat(containers).hasSize(1);
            return containers.get(0);
        }
    }

    /** Paths of every field the Kubernetes model did not recognise. */
    private static List<String> unknownFields(Object node, String path) {
        List<String> unknown = new ArrayList<>();
        walk(node, path, unknown, new IdentityHashMap<>());
        return unknown;
    }

    private static void walk(Object node, String path, List<String> unknown, Map<Object, Boolean> seen) {
        if (node == null || seen.put(node, true) != null) {
            return;
        }
        if (node instanceof Iterable<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> walk(value, path + "." + key, unknown, seen));
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : node.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || !m.getName().startsWith("get") || m.getName().equals("getClass")) {
                continue;
            }
            try {
                Object value = m.invoke(node);
                if (m.getName().equals("getAdditionalProperties")) {
                    if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        extra.keySet().forEach(k -> unknown.add(path + "." + k));
                    }
                } else {
                    walk(value, path + "." + m.getName().substring(3), unknown, seen);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static String args(JsonNode arguments) {
        return new java.util.TreeMap<>(toMap(arguments)).toString();
    }

    private static Map<String, Object> toMap(JsonNode node) {
        Map<String, Object> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> map.put(e.getKey(),
                e.getValue().isNumber() ? (Object) e.getValue().numberValue() : e.getValue().asText()));
        return map;
    }

    /** Quarkus's environment-variable name of a configuration key. */
    static String environmentName(String key) {
        return key.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** Every key application.properties sets, in any profile. */
    static Set<String> appKeys() throws IOException {
        Set<String> keys = new HashSet<>();
        for (String name : appProperties().stringPropertyNames()) {
            keys.add(name.startsWith("%") ? name.substring(name.indexOf('.') + 1) : name);
        }
        return keys;
    }

    /** Keys set only for development or tests: production must provide them. */
    static Set<String> keysWithoutProductionValue() throws IOException {
        Properties props = appProperties();
        Set<String> required = new HashSet<>();
        for (String name : props.stringPropertyNames()) {
            if (name.startsWith("%dev.") || name.startsWith("%test.")) {
                String key = name.substring(name.indexOf('.') + 1);
                if (!props.containsKey(key) && !props.containsKey("%prod." + key)) {
                    required.add(key);
                }
            }
        }
        return required;
    }

    static String appProperty(String key) throws IOException {
        return appProperties().getProperty(key);
    }

    private static Properties appProperties() throws IOException {
        Properties props = new Properties();
        try (var in = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            props.load(in);
        }
        return props;
    }
}
