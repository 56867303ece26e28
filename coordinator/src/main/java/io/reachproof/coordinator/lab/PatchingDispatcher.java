package io.reachproof.coordinator.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.reachproof.protocol.Json;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Queue;

/**
 * fabric8's mock API server in CRUD mode, with the patches real clients send applied the way an API server applies
 * them to Namespaces, Pods and NetworkPolicies (the lab's API servers and the tests' use it):
 * <ul>
 *   <li>a strategic merge patch ({@code kubectl apply} of an object that exists) and a JSON merge patch, as RFC 7386
 *       says (a list is replaced whole, {@code null} removes a key), without the strategic patch's {@code $}
 *       directives: for these kinds the two agree, as none of their lists has a merge key (the store's own merge
 *       would append to lists);</li>
 *   <li>a server-side apply ({@code application/apply-patch+yaml}, JSON body): creates the object when it does not
 *       exist; otherwise the applied labels and annotations are merged in and the applied {@code spec} replaces the
 *       object's (a NetworkPolicy's lists and selectors are atomic, so an applier with {@code force} takes them
 *       whole), and the {@code fieldManager} is recorded in {@code managedFields} with operation {@code Apply}.</li>
 * </ul>
 */
public class PatchingDispatcher extends KubernetesMixedDispatcher {

    private static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
    private static final String MERGE_PATCH = "application/merge-patch+json";
    private static final String APPLY_PATCH = "application/apply-patch+yaml";

    public PatchingDispatcher(Map<ServerRequest, Queue<ServerResponse>> responses) {
        super(responses);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String type = request.getHeader("Content-Type");
        if ("PATCH".equals(request.getMethod()) && type != null) {
            if (type.startsWith(STRATEGIC_MERGE_PATCH) || type.startsWith(MERGE_PATCH)) {
                return patch(request, false);
            }
            if (type.startsWith(APPLY_PATCH)) {
                return patch(request, true);
            }
        }
        return super.dispatch(request);
    }

    /** Reads the object, merges the patch into it (or applies it) and replaces it; an apply creates a missing one. */
    private MockResponse patch(RecordedRequest request, boolean apply) {
        String path = request.getPath();
        int query = path.indexOf('?');
        String object = query < 0 ? path : path.substring(0, query);
        Headers json = request.getHeaders().newBuilder().set("Content-Type", "application/json").build();
        try {
            JsonNode patch = Json.mapper().readTree(request.getUtf8Body());
            MockResponse current = super.dispatch(new RecordedRequest(request.getHttpVersion(), HttpMethod.GET, object,
                    request.getHeaders(), new Buffer()));
            if (apply) {
                String manager = queryParam(query < 0 ? "" : path.substring(query + 1), "fieldManager");
                if (manager == null) {
                    return status(422, "Invalid", "PATCH: fieldManager is required for apply patch");
                }
                if (current.code() == 404) {
                    ObjectNode created = ((ObjectNode) patch).deepCopy();
                    manage(created, manager);
                    return super.dispatch(new RecordedRequest(request.getHttpVersion(), HttpMethod.POST,
                            object.substring(0, object.lastIndexOf('/')), json,
                            new Buffer(Json.mapper().writeValueAsBytes(created))));
                }
                if (current.code() != 200) {
                    return current;
                }
                ObjectNode applied = applied((ObjectNode) Json.mapper().readTree(current.getBody().readUtf8()), patch);
                manage(applied, manager);
                return put(request, object, json, applied);
            }
            if (current.code() != 200) {
                return current;
            }
            return put(request, object, json, merge(Json.mapper().readTree(current.getBody().readUtf8()), patch));
        } catch (IOException | ClassCastException e) {
            return status(400, "BadRequest", "the patch is not a JSON object");
        }
    }

    private MockResponse put(RecordedRequest request, String object, Headers json, JsonNode result) throws IOException {
        if (result instanceof ObjectNode o && o.get("metadata") instanceof ObjectNode metadata) {
            metadata.remove("resourceVersion"); // the store sets the next one
        }
        return super.dispatch(new RecordedRequest(request.getHttpVersion(), HttpMethod.PUT, object, json,
                new Buffer(Json.mapper().writeValueAsBytes(result))));
    }

    /** {@code current} with the applied labels and annotations merged in and the applied spec in place of its own. */
    private static ObjectNode applied(ObjectNode current, JsonNode patch) {
        ObjectNode meta = current.withObjectProperty("metadata");
        for (String field : new String[] {"labels", "annotations"}) {
            if (patch.path("metadata").get(field) instanceof ObjectNode given) {
                meta.withObjectProperty(field).setAll(given);
            }
        }
        if (patch.has("spec")) {
            current.set("spec", patch.get("spec").deepCopy());
        }
        return current;
    }

    /** Records {@code manager} as the applier in {@code object}'s managedFields (one entry per manager). */
    private static void manage(ObjectNode object, String manager) {
        ObjectNode meta = object.withObjectProperty("metadata");
        ArrayNode fields = meta.get("managedFields") instanceof ArrayNode a ? a : meta.putArray("managedFields");
        for (int i = fields.size() - 1; i >= 0; i--) {
            if (manager.equals(fields.get(i).path("manager").asText()) && "Apply".equals(fields.get(i).path("operation").asText())) {
                fields.remove(i);
            }
        }
        ObjectNode entry = fields.addObject();
        entry.put("manager", manager);
        entry.put("operation", "Apply");
        entry.put("apiVersion", object.path("apiVersion").asText());
        entry.put("time", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    }

    private static String queryParam(String query, String name) {
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static MockResponse status(int code, String reason, String message) {
        ObjectNode s = Json.mapper().createObjectNode();
        s.put("kind", "Status");
        s.put("apiVersion", "v1");
        s.put("status", "Failure");
        s.put("reason", reason);
        s.put("code", code);
        s.put("message", message);
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(s.toString());
    }

    /** RFC 7386, skipping strategic merge patch directives ({@code $...} keys). */
    private static JsonNode merge(JsonNode target, JsonNode patch) {
        if (!(patch instanceof ObjectNode p)) {
            return patch;
        }
        ObjectNode result = target instanceof ObjectNode t ? t : Json.mapper().createObjectNode();
        for (var e : p.properties()) {
            if (e.getKey().startsWith("$")) {
                continue;
            }
            if (e.getValue().isNull()) {
                result.remove(e.getKey());
            } else {
                result.set(e.getKey(), merge(result.get(e.getKey()), e.getValue()));
            }
        }
        return result;
    }
}
