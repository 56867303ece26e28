package io.reachproof.coordinator.restore;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.reachproof.coordinator.api.AdminToken;
import io.reachproof.coordinator.api.ApiException;
import io.reachproof.coordinator.api.ApiResponse;
import io.reachproof.coordinator.api.ApiRoute;
import io.reachproof.coordinator.api.JsonBody;
import io.reachproof.protocol.Json;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The rollback endpoints, behind the admin token when one is set:
 * <ul>
 *   <li>{@code GET /v1/rollbacks}: where rollback acts, each cluster's proven policy versions and the newest
 *       rollbacks ({@link RollbackJsonTree#status});</li>
 *   <li>{@code POST /v1/rollback} {@code {"cluster","to":"last-proven"|VERSION,"dryRun":false}}: a rollback by hand,
 *       answered with its record ({@link RollbackJsonTree#record}); 400 naming what is wrong with the request.</li>
 * </ul>
 */
public final class RollbackRoute {

    public static final String STATUS_PATH = "/v1/rollbacks";
    public static final String ROLLBACK_PATH = "/v1/rollback";
    public static final String LAST_PROVEN = "last-proven";

    /** The body of {@code POST /v1/rollback}. */
    public record Request(@JsonProperty(value = "cluster", required = true) String cluster, String to, Boolean dryRun) {
        public Request {
            if (cluster == null || cluster.isBlank()) {
                throw new IllegalArgumentException("cluster is required");
            }
        }
    }

    private RollbackRoute() {
    }

    /** The routes; {@code leading} false answers a rollback by hand 503 (the leader keeps the proven sets). */
    public static List<ApiRoute> routes(Rollbacks rollbacks, Optional<String> adminToken, BooleanSupplier leading) {
        requireNonNull(rollbacks, "rollbacks");
        requireNonNull(leading, "leading");
        AdminToken admin = new AdminToken(adminToken);
        return List.of(
                ApiRoute.of("GET", STATUS_PATH, admin::admit, r -> json(RollbackJsonTree.status(rollbacks))),
                ApiRoute.of("POST", ROLLBACK_PATH, admin::admit, r -> {
                    Request request = JsonBody.read(Json.mapper(), r, Request.class);
                    if (!leading.getAsBoolean()) {
                        throw new ApiException(503, "this coordinator is a standby; ask the leader (it keeps the proven policies)");
                    }
                    Optional<String> version = request.to() == null || request.to().equals(LAST_PROVEN)
                            ? Optional.empty() : Optional.of(request.to());
                    try {
                        return json(RollbackJsonTree.record(rollbacks.manual(request.cluster(), version,
                                Boolean.TRUE.equals(request.dryRun()))));
                    } catch (IllegalArgumentException e) {
                        throw ApiException.badRequest(e.getMessage());
                    }
                }));
    }

    private static ApiResponse json(JsonNode tree) {
        try {
            return ApiResponse.json(200, Json.mapper().writeValueAsBytes(tree));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }
}
