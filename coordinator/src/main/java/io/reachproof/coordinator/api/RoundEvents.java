package io.reachproof.coordinator.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reachproof.coordinator.round.RoundHistory;
import io.reachproof.coordinator.round.RoundListener;
import io.reachproof.protocol.RoundReport;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The page's live feed: told about every closed round (a {@link RoundListener}, so it sees the report, trace id
 * included, before the history keeps it), it answers {@code GET /v1/events} in the server-sent events format
 * ({@code text/event-stream}). Each answer carries the rounds closed since the client's {@code Last-Event-ID}, one
 * {@code round} event per expectation set with its {@link ReachabilityView} as data; when none closed since, the
 * answer waits up to {@code wait} for one and then carries only a comment. The client reconnects at once
 * ({@code retry}) with the last id it saw, so no round is missed between two answers, and every answer is a plain,
 * complete HTTP response that proxies and ingresses pass without buffering trouble.
 *
 * <p>Event ids are {@code EPOCH-SEQUENCE}: the epoch is random per coordinator process, so a client whose id comes
 * from an earlier process (a restart, a failover) is sent every set's newest round at once.
 */
public final class RoundEvents implements RoundListener {

    /** What the client is told to wait before it reconnects, in milliseconds. */
    static final int RETRY_MILLIS = 500;

    private final ObjectMapper mapper;
    private final RoundHistory history;
    private final Duration wait;
    private final int maxWaiting;
    private final String epoch;
    private final Map<String, Event> newest = new LinkedHashMap<>();
    private final List<Waiter> waiting = new ArrayList<>();
    private long sequence;

    /**
     * @param wait how long an answer waits for a round before it answers with a comment (keep it well below the
     *     server's idle timeout and the proxies' read timeouts)
     * @param maxWaiting answers that may wait at once; one more is refused with 503
     */
    public RoundEvents(ObjectMapper mapper, RoundHistory history, Duration wait, int maxWaiting) {
        this.mapper = requireNonNull(mapper, "mapper");
        this.history = requireNonNull(history, "history");
        this.wait = requireNonNull(wait, "wait");
        if (wait.isNegative() || wait.isZero()) {
            throw new IllegalArgumentException("wait must be positive: " + wait);
        }
        if (maxWaiting < 1) {
            throw new IllegalArgumentException("maxWaiting must be at least 1: " + maxWaiting);
        }
        this.maxWaiting = maxWaiting;
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        this.epoch = HexFormat.of().formatHex(random);
    }

    private record Event(long sequence, RoundReport report, byte[] frame) {
    }

    private record Waiter(long since, CompletableFuture<ApiResponse> answer) {
    }

    @Override
    public RoundReport onRound(RoundReport report) {
        ReachabilityView view = ReachabilityView.of(report, history.reports(report.expectation()));
        byte[] data;
        try {
            data = mapper.writeValueAsBytes(view);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the view of round " + report.roundId(), e);
        }
        List<Waiter> due = new ArrayList<>();
        synchronized (this) {
            sequence++;
            byte[] head = ("id: " + epoch + "-" + sequence + "\nevent: round\ndata: ").getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream frame = new ByteArrayOutputStream(head.length + data.length + 2);
            frame.writeBytes(head);
            frame.writeBytes(data);
            frame.writeBytes(new byte[] {'\n', '\n'});
            newest.remove(report.expectation());
            newest.put(report.expectation(), new Event(sequence, report, frame.toByteArray()));
            due.addAll(waiting);
            waiting.clear();
        }
        for (Waiter w : due) {
            w.answer().complete(answerSince(w.since()));
        }
        return report;
    }

    /** The id of the newest event; a client that starts from a view it fetched now waits for the next one. */
    public synchronized String currentId() {
        return epoch + "-" + sequence;
    }

    /** The newest report of {@code expectation} this feed was told about (it may not be in the history yet). */
    public synchronized Optional<RoundReport> latest(String expectation) {
        Event e = newest.get(expectation);
        return e == null ? Optional.empty() : Optional.of(e.report());
    }

    /**
     * The answer to a client whose last event id is {@code lastEventId} (empty: it starts now): at once when a
     * round closed since, else when the next one closes or {@code wait} has passed.
     */
    public CompletionStage<ApiResponse> next(Optional<String> lastEventId) {
        long since = lastEventId.map(this::sequenceOf).orElse(-1L);
        synchronized (this) {
            long from = since < 0 ? sequence : since;
            if (sequence > from) {
                return CompletableFuture.completedFuture(answerSince(from));
            }
            if (waiting.size() >= maxWaiting) {
                throw new ApiException(503, "too many clients wait for events (" + maxWaiting + "); retry later");
            }
            CompletableFuture<ApiResponse> answer = new CompletableFuture<>();
            Waiter w = new Waiter(from, answer);
            waiting.add(w);
            answer.completeOnTimeout(frames(List.of(": no round closed\n\n".getBytes(StandardCharsets.UTF_8))),
                    wait.toMillis(), TimeUnit.MILLISECONDS);
            answer.whenComplete((r, e) -> forget(w));
            return answer;
        }
    }

    private synchronized void forget(Waiter w) {
        waiting.remove(w);
    }

    /** The sequence a client saw: 0 (everything is new) for another process's id; an error for no id at all. */
    private long sequenceOf(String id) {
        int dash = id.lastIndexOf('-');
        if (dash <= 0) {
            throw ApiException.badRequest("Last-Event-ID must be EPOCH-SEQUENCE: " + id);
        }
        if (!id.substring(0, dash).equals(epoch)) {
            return 0;
        }
        try {
            long seen = Long.parseLong(id.substring(dash + 1));
            if (seen < 0) {
                throw ApiException.badRequest("Last-Event-ID must be EPOCH-SEQUENCE: " + id);
            }
            return seen;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("Last-Event-ID must be EPOCH-SEQUENCE: " + id);
        }
    }

    private synchronized ApiResponse answerSince(long since) {
        List<Event> events = new ArrayList<>();
        for (Event e : newest.values()) {
            if (e.sequence() > since) {
                events.add(e);
            }
        }
        events.sort((a, b) -> Long.compare(a.sequence(), b.sequence()));
        return frames(events.stream().map(Event::frame).toList());
    }

    private static ApiResponse frames(List<byte[]> frames) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("retry: " + RETRY_MILLIS + "\n\n").getBytes(StandardCharsets.UTF_8));
        frames.forEach(body::writeBytes);
        return new ApiResponse(200, "text/event-stream; charset=utf-8", Map.of("Cache-Control", "no-store"),
                body.toByteArray());
    }
}
