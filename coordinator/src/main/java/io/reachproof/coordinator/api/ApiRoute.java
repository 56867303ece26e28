package io.reachproof.coordinator.api;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * One endpoint of the coordinator's HTTP server: an exact method and path. Handlers run off the
 * event loop; long polls complete their stage later. A handler that throws answers 500 for that
 * request only.
 */
public interface ApiRoute {

    String method();

    String path();

    CompletionStage<ApiResponse> handle(ApiRequest request);

    /** A route answering synchronously. */
    static ApiRoute of(String method, String path, Function<ApiRequest, ApiResponse> handler) {
        requireNonNull(method, "method");
        requireNonNull(path, "path");
        requireNonNull(handler, "handler");
        return new ApiRoute() {
            @Override
            public String method() {
                return method;
            }

            @Override
            public String path() {
                return path;
            }

            @Override
            public CompletionStage<ApiResponse> handle(ApiRequest request) {
                return CompletableFuture.completedFuture(handler.apply(request));
            }

            @Override
            public String toString() {
                return method + " " + path;
            }
        };
    }
}
