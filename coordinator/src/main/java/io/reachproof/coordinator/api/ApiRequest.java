package io.reachproof.coordinator.api;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request to the coordinator, framework-neutral so routes are tested without Netty.
 *
 * @param path the path without the query string
 * @param query decoded query parameters
 * @param headers header names in lower case
 */
public record ApiRequest(String method, String path, Map<String, List<String>> query, Map<String, String> headers,
        byte[] body) {

    public ApiRequest {
        requireNonNull(method, "method");
        requireNonNull(path, "path");
        query = Map.copyOf(requireNonNull(query, "query"));
        headers = Map.copyOf(requireNonNull(headers, "headers"));
        body = body == null ? new byte[0] : body;
    }

    /** The first value of query parameter {@code name}. */
    public Optional<String> queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** A header by case-insensitive name. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
    }
}
