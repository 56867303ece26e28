package io.reachproof.coordinator.api;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
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

    /**
     * Decides what the request's head alone can decide (its credentials), before any of its body is read:
     * throws an {@link ApiException} to refuse it. {@code head} carries no body. Runs on the event loop, so
     * it must be quick and must not block. The default admits everything.
     */
    default void admit(ApiRequest head) {
    }

    /** A route answering synchronously. */
    static ApiRoute of(String method, String path, Function<ApiRequest, ApiResponse> handler) {
        return of(method, path, head -> { }, handler);
    }

    /** A route answering synchronously that refuses from the head what {@code admit} refuses. */
    static ApiRoute of(String method, String path, Consumer<ApiRequest> admit, Function<ApiRequest, ApiResponse> handler) {
        requireNonNull(method, "method");
        requireNonNull(path, "path");
        requireNonNull(admit, "admit");
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
            public void admit(ApiRequest head) {
                admit.accept(head);
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
