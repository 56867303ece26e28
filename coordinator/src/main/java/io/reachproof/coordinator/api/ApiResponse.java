package io.reachproof.coordinator.api;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** One HTTP response from the coordinator. */
public record ApiResponse(int status, String contentType, Map<String, String> headers, byte[] body) {

    public ApiResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be in 100..599: " + status);
        }
        requireNonNull(contentType, "contentType");
        headers = Map.copyOf(requireNonNull(headers, "headers"));
        requireNonNull(body, "body");
    }

    public static ApiResponse of(int status, String contentType, byte[] body) {
        return new ApiResponse(status, contentType, Map.of(), body);
    }

    public static ApiResponse json(int status, byte[] json) {
        return of(status, "application/json", json);
    }

    public static ApiResponse text(int status, String text) {
        return of(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }
}
