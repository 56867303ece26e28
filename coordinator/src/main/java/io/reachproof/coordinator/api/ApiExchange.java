package io.reachproof.coordinator.api;

/**
 * What the {@link ApiRequestAggregator} hands the {@link ApiServerHandler}, in the order the requests
 * arrived: a request to run, an answer decided without running a route, or the end of the connection.
 */
sealed interface ApiExchange {

    /**
     * A fully received request for {@code route}; its body holds {@code heldBytes} of the server's
     * {@link BodyBudget} until its answer is written.
     */
    record Call(ApiRoute route, ApiRequest request, boolean keepAlive, long heldBytes) implements ApiExchange {
    }

    /** An answer decided from the request's head or framing (a refusal); no route runs. */
    record Answer(ApiResponse response, boolean keepAlive) implements ApiExchange {
    }

    /** Close the connection once every earlier answer is written. */
    record Close() implements ApiExchange {
    }
}
