package io.reachproof.coordinator.report;

import static java.util.Objects.requireNonNull;

import io.reachproof.coordinator.api.AdminToken;
import io.reachproof.coordinator.api.ApiException;
import io.reachproof.coordinator.api.ApiRequest;
import io.reachproof.coordinator.api.ApiResponse;
import io.reachproof.coordinator.api.ApiRoute;
import io.reachproof.coordinator.store.ProofStore;
import io.reachproof.coordinator.store.ReportQuery;
import io.reachproof.coordinator.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * {@code GET /v1/report?since=&until=&cluster=&expectation=&format=html|markdown|json}: the proof record of a period
 * (default: the last 7 days, JSON), as {@code reachproof report} writes it. Read from the database on
 * {@code executor}, never on the event loop; guarded by the admin token when one is set; 503 while the database is
 * away.
 */
public final class ReportRoute implements ApiRoute {

    private final ProofStore store;
    private final AdminToken admin;
    private final Clock clock;
    private final Executor executor;
    private final ProofReport report = new ProofReport();

    public ReportRoute(ProofStore store, AdminToken admin, Clock clock, Executor executor) {
        this.store = requireNonNull(store, "store");
        this.admin = requireNonNull(admin, "admin");
        this.clock = requireNonNull(clock, "clock");
        this.executor = requireNonNull(executor, "executor");
    }

    @Override
    public String method() {
        return "GET";
    }

    @Override
    public String path() {
        return "/v1/report";
    }

    @Override
    public void admit(ApiRequest head) {
        admin.admit(head);
    }

    @Override
    public CompletionStage<ApiResponse> handle(ApiRequest request) {
        Instant now = clock.instant();
        ReportQuery query;
        ReportFormat format;
        try {
            Instant since = ReportTime.parse(request.queryParam("since").orElse("7d"), now);
            Instant until = request.queryParam("until").map(u -> ReportTime.parse(u, now)).orElse(now);
            query = new ReportQuery(since, until, request.queryParam("cluster"), request.queryParam("expectation"));
            format = ReportFormat.parse(request.queryParam("format").orElse("json"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return ApiResponse.of(200, format.contentType(),
                        report.render(store.read(query), format).getBytes(StandardCharsets.UTF_8));
            } catch (StoreException e) {
                return ApiResponse.text(503, "the proof record cannot be read now: " + e.getMessage() + "\n");
            }
        }, executor);
    }

    @Override
    public String toString() {
        return "GET /v1/report";
    }
}
