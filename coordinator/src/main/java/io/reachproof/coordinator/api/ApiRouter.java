package io.reachproof.coordinator.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reachproof.protocol.ApiError;
import io.reachproof.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches a request to the route with its exact method and path, on an executor (never the event
 * loop). Unknown path: 404; known path, other method: 405. A route that throws (or whose stage fails)
 * answers 500 for that request only; an {@link ApiException} answers its own status.
 */
public final class ApiRouter {

    private static final Logger LOG = LoggerFactory.getLogger(ApiRouter.class);
    private static final ObjectMapper MAPPER = Json.mapper();

    private final Map<String, Map<String, ApiRoute>> byPath = new LinkedHashMap<>();

    public ApiRouter(List<ApiRoute> routes) {
        for (ApiRoute route : requireNonNull(routes, "routes")) {
            Map<String, ApiRoute> methods = byPath.computeIfAbsent(route.path(), p -> new LinkedHashMap<>());
            if (methods.putIfAbsent(route.method(), route) != null) {
                throw new IllegalArgumentException("two routes for " + route.method() + " " + route.path());
            }
        }
    }

    /** The routes, as {@code METHOD path}. */
    public List<String> describe() {
        List<String> all = new ArrayList<>();
        byPath.forEach((path, methods) -> methods.keySet().forEach(m -> all.add(m + " " + path)));
        return all;
    }

    /** The route of an exact method and path; an {@link ApiException} 404 for an unknown path, 405 for another method. */
    public ApiRoute route(String method, String path) {
        Map<String, ApiRoute> methods = byPath.get(path);
        if (methods == null) {
            throw ApiException.notFound("no such endpoint: " + path);
        }
        ApiRoute route = methods.get(method);
        if (route == null) {
            throw new ApiException(405, method + " not allowed on " + path
                    + "; allowed: " + String.join(", ", new TreeSet<>(methods.keySet())));
        }
        return route;
    }

    /** Runs {@code route} for {@code request} on {@code executor}; the stage always completes with an answer. */
    public CompletionStage<ApiResponse> dispatch(ApiRoute route, ApiRequest request, Executor executor) {
        CompletableFuture<ApiResponse> result = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    CompletionStage<ApiResponse> stage = route.handle(request);
                    if (stage == null) {
                        throw new IllegalStateException("route returned no response stage");
                    }
                    stage.whenComplete((response, failure) -> result.complete(answer(route, request, response, failure)));
                } catch (RuntimeException e) {
                    result.complete(answer(route, request, null, e));
                }
            });
        } catch (RuntimeException e) {
            result.complete(error(503, "coordinator is shutting down"));
        }
        return result;
    }

    private static ApiResponse answer(ApiRoute route, ApiRequest request, ApiResponse response, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof ApiException e) {
            return error(e.status(), e.getMessage());
        }
        if (cause != null) {
            LOG.warn("route {} {} failed on {} {}", route.method(), route.path(), request.method(), request.path(), cause);
            return error(500, "internal error in " + route.method() + " " + route.path() + ": " + cause);
        }
        if (response == null) {
            LOG.warn("route {} {} answered nothing", route.method(), route.path());
            return error(500, "internal error in " + route.method() + " " + route.path() + ": no response");
        }
        return response;
    }

    /** The JSON error answer every refusal uses. */
    public static ApiResponse error(int status, String message) {
        return ApiResponse.json(status, errorBody(status, message));
    }

    static byte[] errorBody(int status, String message) {
        try {
            return MAPPER.writeValueAsBytes(new ApiError(status, message));
        } catch (JsonProcessingException e) {
            return ("{\"status\":" + status + "}").getBytes(StandardCharsets.UTF_8);
        }
    }
}
