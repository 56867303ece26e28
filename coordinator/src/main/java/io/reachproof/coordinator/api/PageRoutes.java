package io.reachproof.coordinator.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reachproof.coordinator.round.RoundHistory;
import io.reachproof.coordinator.signal.Episodes;
import io.reachproof.protocol.RoundReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The reachability page: {@code GET /} and its script and style (plain files shipped in the jar, public: they hold
 * no data), and the data they draw, behind the admin token when one is set: {@code GET /v1/view} (every set's
 * newest round as a {@link ReachabilityView}), {@code GET /v1/view/matrix} (the group matrix of one cluster pair),
 * {@code GET /v1/view/cell} (a {@link CellDetail}) and {@code GET /v1/events} (the live feed, {@link RoundEvents}).
 * The page asks with relative URLs, so it works behind an ingress path prefix; it keeps the token in the tab's
 * session storage and sends it only as a bearer header, never in a URL.
 */
public final class PageRoutes {

    public static final String VIEW = "/v1/view";
    public static final String PAIR_MATRIX = "/v1/view/matrix";
    public static final String CELL = "/v1/view/cell";
    public static final String EVENTS = "/v1/events";

    /** The page's own files only; data and links to a trace UI leave the origin only as links the user follows. */
    static final Map<String, String> PAGE_HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
                    + " img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "Cache-Control", "no-cache");

    private static final String RESOURCES = "/io/reachproof/coordinator/page/";

    private final ObjectMapper mapper;
    private final RoundHistory history;
    private final RoundEvents events;
    private final Episodes episodes;
    private final AdminToken admin;
    private final Optional<String> traceUi;

    /**
     * @param traceUi the base URL of a trace UI; the page links a round's trace as this followed by its trace id
     *     (e.g. {@code https://jaeger.example/trace/})
     */
    public PageRoutes(ObjectMapper mapper, RoundHistory history, RoundEvents events, Episodes episodes,
            Optional<String> adminToken, Optional<String> traceUi) {
        this.mapper = requireNonNull(mapper, "mapper");
        this.history = requireNonNull(history, "history");
        this.events = requireNonNull(events, "events");
        this.episodes = requireNonNull(episodes, "episodes");
        this.admin = new AdminToken(requireNonNull(adminToken, "adminToken"));
        this.traceUi = requireNonNull(traceUi, "traceUi");
    }

    /** The state of the page: every set's newest round, the sets without one yet, and where the feed starts. */
    public record PageState(String eventId, boolean tokenRequired, String traceUi, List<ReachabilityView> views,
            List<String> pending) {
        public PageState {
            views = List.copyOf(views);
            pending = List.copyOf(pending);
        }
    }

    public List<ApiRoute> routes() {
        return List.of(
                asset("/", "index.html", "text/html; charset=utf-8"),
                asset("/ui/page.js", "page.js", "text/javascript; charset=utf-8"),
                asset("/ui/page.css", "page.css", "text/css; charset=utf-8"),
                asset("/ui/favicon.svg", "favicon.svg", "image/svg+xml"),
                ApiRoute.of("GET", VIEW, admin::admit, r -> json(state())),
                ApiRoute.of("GET", PAIR_MATRIX, admin::admit, r -> json(ReachabilityView.matrix(report(r),
                        required(r, "fromCluster"), required(r, "toCluster")))),
                ApiRoute.of("GET", CELL, admin::admit, r -> json(CellDetail.of(report(r), required(r, "from"),
                        required(r, "to"), r.queryParam("fromCluster").orElse(null),
                        r.queryParam("toCluster").orElse(null), episodes))),
                new EventsRoute());
    }

    PageState state() {
        String eventId = events.currentId();
        List<ReachabilityView> views = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        for (String name : history.expectations()) {
            Optional<RoundReport> newest = newest(name);
            if (newest.isPresent()) {
                views.add(ReachabilityView.of(newest.get(), history.reports(name)));
            } else {
                pending.add(name);
            }
        }
        return new PageState(eventId, admin.required(), traceUi.orElse(null), views, pending);
    }

    /** The feed's report when it is newer than the history's (the history keeps a round just after the feed hears it). */
    private Optional<RoundReport> newest(String name) {
        Optional<RoundReport> told = events.latest(name);
        Optional<RoundReport> kept = history.latest(name);
        if (told.isPresent() && (kept.isEmpty() || told.get().finishedAtEpochMillis() >= kept.get().finishedAtEpochMillis())) {
            return told;
        }
        return kept;
    }

    /** The round {@code round} of set {@code expectation} named by the query; 404 when no longer retained. */
    private RoundReport report(ApiRequest r) {
        String name = required(r, "expectation");
        String round = required(r, "round");
        if (!history.expectations().contains(name)) {
            throw ApiException.notFound("unknown expectation: " + name + " (known: " + String.join(", ",
                    history.expectations()) + ")");
        }
        Optional<RoundReport> told = events.latest(name).filter(x -> x.roundId().equals(round));
        if (told.isPresent()) {
            return told.get();
        }
        return history.reports(name).stream().filter(x -> x.roundId().equals(round)).findFirst()
                .orElseThrow(() -> ApiException.notFound("round " + round + " of " + name + " is not retained"));
    }

    private static String required(ApiRequest r, String name) {
        return r.queryParam(name).orElseThrow(() -> ApiException.badRequest("query parameter " + name + " is required"));
    }

    private ApiResponse json(Object value) {
        try {
            return new ApiResponse(200, "application/json", Map.of("Cache-Control", "no-store"),
                    mapper.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ApiRoute asset(String path, String file, String contentType) {
        byte[] body = read(file);
        ApiResponse response = new ApiResponse(200, contentType, PAGE_HEADERS, body);
        return ApiRoute.of("GET", path, r -> response);
    }

    private static byte[] read(String file) {
        try (InputStream in = PageRoutes.class.getResourceAsStream(RESOURCES + file)) {
            if (in == null) {
                throw new IllegalStateException("the page's file " + RESOURCES + file + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the page's file " + RESOURCES + file, e);
        }
    }

    /** {@code GET /v1/events}: answers when a round closed since the client's {@code Last-Event-ID}. */
    private final class EventsRoute implements ApiRoute {
        @Override
        public String method() {
            return "GET";
        }

        @Override
        public String path() {
            return EVENTS;
        }

        @Override
        public void admit(ApiRequest head) {
            admin.admit(head);
        }

        @Override
        public CompletionStage<ApiResponse> handle(ApiRequest request) {
            return events.next(request.header("last-event-id"));
        }

        @Override
        public String toString() {
            return "GET " + EVENTS;
        }
    }
}
