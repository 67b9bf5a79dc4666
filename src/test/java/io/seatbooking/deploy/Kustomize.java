package io.seatbooking.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

/**
 * Renders a kustomization the way {@code kustomize build} does, for the features this
 * repository uses: resources (files and directories), strategic-merge patches (with
 * Kubernetes' merge keys for the lists we patch), namespace, images, labels and
 * configMapGenerator with files. A kustomization using anything else fails, so that no feature
 * slips past the manifest checks. (No kustomize binary is needed to run the tests.)
 */
final class Kustomize {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static final Set<String> SUPPORTED = Set.of("apiVersion", "kind", "resources", "patches", "namespace",
            "images", "labels", "configMapGenerator");

    // Kubernetes' patchMergeKey of each list field we patch; other lists are replaced.
    private static final Map<String, String> MERGE_KEYS = Map.of(
            "containers", "name", "initContainers", "name", "env", "name", "volumes", "name",
            "volumeMounts", "mountPath", "ports", "containerPort", "topologySpreadConstraints", "topologyKey");

    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding");

    private Kustomize() {
    }

    /** The rendered resources of the kustomization in {@code dir}. */
    static List<ObjectNode> build(Path dir) throws IOException {
        ObjectNode k = (ObjectNode) YAML.readTree(dir.resolve("kustomization.yaml").toFile());
        for (Iterator<String> it = k.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!SUPPORTED.contains(field)) {
                throw new IllegalStateException(dir + ": kustomization field '" + field + "' is not supported by the checks");
            }
        }
        List<ObjectNode> resources = new ArrayList<>();
        for (JsonNode r : k.path("resources")) {
            Path p = dir.resolve(r.asText()).normalize();
            resources.addAll(Files.isDirectory(p) ? build(p) : readAll(p));
        }
        for (JsonNode g : k.path("configMapGenerator")) {
            ObjectNode cm = YAML.createObjectNode();
            cm.put("apiVersion", "v1").put("kind", "ConfigMap");
            cm.putObject("metadata").put("name", g.path("name").asText());
            ObjectNode data = cm.putObject("data");
            for (JsonNode f : g.path("files")) {
                String[] parts = f.asText().split("=", 2);
                String key = parts.length == 2 ? parts[0] : Path.of(parts[0]).getFileName().toString();
                data.put(key, Files.readString(dir.resolve(parts[parts.length - 1])));
            }
            resources.add(cm);
        }
        for (JsonNode patch : k.path("patches")) {
            for (ObjectNode p : readAll(dir.resolve(patch.path("path").asText()))) {
                ObjectNode target = find(resources, p).orElseThrow(() -> new IllegalStateException(
                        dir + ": patch " + patch.path("path").asText() + " matches no resource"));
                merge(target, p);
            }
        }
        for (JsonNode pair : k.path("labels")) {
            for (ObjectNode res : resources) {
                ObjectNode labels = ((ObjectNode) res.with("metadata")).with("labels");
                pair.path("pairs").fields().forEachRemaining(e -> labels.set(e.getKey(), e.getValue()));
            }
        }
        if (k.has("namespace")) {
            for (ObjectNode res : resources) {
                if (!CLUSTER_SCOPED.contains(res.path("kind").asText())) {
                    ((ObjectNode) res.with("metadata")).put("namespace", k.path("namespace").asText());
                }
            }
        }
        for (JsonNode image : k.path("images")) {
            for (ObjectNode res : resources) {
                for (JsonNode c : res.path("spec").path("template").path("spec").path("containers")) {
                    if (c.path("image").asText().equals(image.path("name").asText())) {
                        ((ObjectNode) c).put("image", image.path("newName").asText(image.path("name").asText())
                                + ":" + image.path("newTag").asText("latest"));
                    }
                }
            }
        }
        return resources;
    }

    /** Every YAML document of a file. */
    static List<ObjectNode> readAll(Path file) throws IOException {
        List<ObjectNode> docs = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
            Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc instanceof ObjectNode o && !o.isEmpty()) {
                    docs.add(o);
                }
            }
        }
        return docs;
    }

    private static java.util.Optional<ObjectNode> find(List<ObjectNode> resources, ObjectNode patch) {
        return resources.stream()
                .filter(r -> r.path("kind").equals(patch.path("kind"))
                        && r.path("apiVersion").equals(patch.path("apiVersion"))
                        && r.path("metadata").path("name").equals(patch.path("metadata").path("name")))
                .findFirst();
    }

    /** Strategic merge: maps merge, null deletes, keyed lists merge by key, other lists replace. */
    static void merge(ObjectNode target, ObjectNode patch) {
        patch.fields().forEachRemaining(e -> {
            String field = e.getKey();
            JsonNode value = e.getValue();
            JsonNode current = target.get(field);
            if (value.isNull()) {
                target.remove(field);
            } else if (value.isObject() && current instanceof ObjectNode currentObject) {
                merge(currentObject, (ObjectNode) value);
            } else if (value.isArray() && current instanceof ArrayNode currentArray && MERGE_KEYS.containsKey(field)) {
                String key = MERGE_KEYS.get(field);
                for (JsonNode item : value) {
                    ObjectNode match = null;
                    for (JsonNode existing : currentArray) {
                        if (existing.path(key).equals(item.path(key))) {
                            match = (ObjectNode) existing;
                        }
                    }
                    if (match != null) {
                        merge(match, (ObjectNode) item);
                    } else {
                        currentArray.add(item.deepCopy());
                    }
                }
            } else {
                target.set(field, value.deepCopy());
            }
        });
    }
}
