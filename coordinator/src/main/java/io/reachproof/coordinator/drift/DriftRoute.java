package io.reachproof.coordinator.drift;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reachproof.coordinator.api.AdminToken;
import io.reachproof.coordinator.api.ApiResponse;
import io.reachproof.coordinator.api.ApiRoute;
import io.reachproof.policy.PolicyDriftJson;
import io.reachproof.protocol.Json;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code GET /v1/drift} (behind the admin token when one is set): each sync group's latest comparison,
 * {@code {"groups":[{"name","source","computedAt","waitingFor":[...],"drift":[...],"clusterPairs":[...]}]}}, the
 * {@code drift} and {@code clusterPairs} as {@code reachproof drift --format json} prints them.
 */
public final class DriftRoute {

    public static final String PATH = "/v1/drift";

    private DriftRoute() {
    }

    public static ApiRoute route(DriftMonitor monitor, Optional<String> adminToken) {
        requireNonNull(monitor, "monitor");
        AdminToken admin = new AdminToken(adminToken);
        return ApiRoute.of("GET", PATH, admin::admit, r -> {
            ObjectNode root = JsonNodeFactory.instance.objectNode();
            ArrayNode groups = root.putArray("groups");
            for (DriftMonitor.GroupDrift g : monitor.current()) {
                ObjectNode o = groups.addObject();
                o.put("name", g.group());
                o.put("source", g.source());
                o.put("computedAt", Instant.ofEpochMilli(g.computedAtEpochMillis()).toString());
                ArrayNode waiting = o.putArray("waitingFor");
                g.waitingFor().forEach(waiting::add);
                o.setAll(PolicyDriftJson.tree(g.report()));
            }
            try {
                return ApiResponse.json(200, Json.mapper().writeValueAsBytes(root));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a JSON tree always serializes", e);
            }
        });
    }
}
