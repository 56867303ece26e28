package io.reachproof.coordinator.rollback;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.reachproof.coordinator.signal.RollbackSignal;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts each signal as signed JSON to a webhook, one at a time and in order, retrying failures and non-2xx
 * answers with exponential backoff and jitter ({@link Backoff}) until {@link WebhookConfig#maxAttempts()}.
 * Delivery is at least once: a receiver may see a key again (e.g. when its 2xx was lost) and must act on
 * a key once. {@link #send} never blocks: signals wait in a bounded queue.
 */
public final class WebhookSink implements RollbackSink {

    public static final String IDEMPOTENCY_HEADER = "X-Reachproof-Idempotency-Key";
    public static final String EVENT_HEADER = "X-Reachproof-Event";

    private static final Logger LOG = LoggerFactory.getLogger(WebhookSink.class);

    /** One body to post: its idempotency key, its event ({@link #EVENT_HEADER}) and what it is about, for logs. */
    private record Delivery(String key, String event, String subject, byte[] body) {
    }

    private final WebhookConfig config;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final Clock clock;
    private final DoubleSupplier random;

    private final Object lock = new Object();
    private final Deque<Delivery> waiting = new ArrayDeque<>();
    private Delivery inFlight;
    private boolean closed;

    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong givenUp = new AtomicLong();

    /** A sink with its own delivery thread and HTTP client; {@link #close()} stops them. */
    public static WebhookSink start(WebhookConfig config) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("reachproof-webhook", true));
        HttpClient http = HttpClient.newBuilder().connectTimeout(config.requestTimeout())
                .executor(scheduler).build();
        return new WebhookSink(config, http, scheduler, true, Clock.systemUTC(),
                () -> ThreadLocalRandom.current().nextDouble());
    }

    /** For tests: everything injected; the caller owns {@code scheduler} unless {@code ownsScheduler}. */
    public WebhookSink(WebhookConfig config, HttpClient http, ScheduledExecutorService scheduler,
            boolean ownsScheduler, Clock clock, DoubleSupplier random) {
        this.config = requireNonNull(config, "config");
        this.http = requireNonNull(http, "http");
        this.scheduler = requireNonNull(scheduler, "scheduler");
        this.ownsScheduler = ownsScheduler;
        this.clock = requireNonNull(clock, "clock");
        this.random = requireNonNull(random, "random");
    }

    @Override
    public void send(RollbackSignal signal) {
        byte[] body;
        try {
            body = RollbackJson.mapper().writeValueAsBytes(RollbackJson.signal(signal));
        } catch (JsonProcessingException e) {
            LOG.error("cannot serialize rollback signal {} of {}", signal.idempotencyKey(), signal.expectation(), e);
            return;
        }
        enqueue(new Delivery(signal.idempotencyKey(), signal.event().wireName(), signal.expectation(), body));
    }

    /**
     * Posts {@code body} (JSON) as event {@code event} with {@code idempotencyKey}, signed and retried like a rollback
     * signal; {@code subject} names it in logs. Other signal kinds (policy drift) go this way.
     */
    public void send(String idempotencyKey, String event, String subject, byte[] body) {
        enqueue(new Delivery(requireNonNull(idempotencyKey, "idempotencyKey"), requireNonNull(event, "event"),
                requireNonNull(subject, "subject"), requireNonNull(body, "body").clone()));
    }

    private void enqueue(Delivery delivery) {
        Delivery drop = null;
        boolean startNow = false;
        synchronized (lock) {
            if (closed) {
                LOG.warn("webhook sink closed; dropping signal {} ({} {})", delivery.key(), delivery.event(),
                        delivery.subject());
                dropped.incrementAndGet();
                return;
            }
            if (waiting.size() >= config.queueCapacity()) {
                drop = waiting.pollFirst();
                dropped.incrementAndGet();
            }
            waiting.addLast(delivery);
            if (inFlight == null) {
                inFlight = waiting.pollFirst();
                startNow = true;
            }
        }
        if (drop != null) {
            LOG.warn("webhook queue to {} full ({}); dropped the oldest waiting signal {} ({} {}), {} dropped so far",
                    config.url(), config.queueCapacity(), drop.key(),
                    drop.event(), drop.subject(), dropped.get());
        }
        if (startNow) {
            schedule(0, 1);
        }
    }

    private void schedule(long delayMillis, int attempt) {
        try {
            scheduler.schedule(() -> attempt(attempt), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.warn("webhook sink to {} stopped; signal not delivered", config.url());
        }
    }

    private void attempt(int attempt) {
        Delivery d;
        synchronized (lock) {
            d = inFlight;
            if (d == null || closed) {
                return;
            }
        }
        long t = clock.instant().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(config.url())
                .timeout(config.requestTimeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "reachproof-webhook/1")
                .header(WebhookSignature.HEADER, WebhookSignature.header(config.secret(), t, d.body()))
                .header(IDEMPOTENCY_HEADER, d.key())
                .header(EVENT_HEADER, d.event())
                .POST(HttpRequest.BodyPublishers.ofByteArray(d.body()))
                .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            if (error == null && response.statusCode() / 100 == 2) {
                delivered.incrementAndGet();
                LOG.debug("webhook {} accepted signal {} (attempt {})", config.url(), d.key(),
                        attempt);
                next();
                return;
            }
            String why = error != null ? describe(error.getCause() != null ? error.getCause() : error)
                    : "HTTP " + response.statusCode();
            if (attempt >= config.maxAttempts()) {
                givenUp.incrementAndGet();
                LOG.error("webhook {} did not accept signal {} ({} {}) after {} attempts, last: {}; giving up",
                        config.url(), d.key(), d.event(),
                        d.subject(), attempt, why);
                next();
                return;
            }
            Duration delay = config.backoff().delay(attempt, random.getAsDouble());
            retried.incrementAndGet();
            LOG.warn("webhook {} failed for signal {} (attempt {} of {}): {}; retrying in {} ms", config.url(),
                    d.key(), attempt, config.maxAttempts(), why, delay.toMillis());
            schedule(delay.toMillis(), attempt + 1);
        });
    }

    private static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private void next() {
        synchronized (lock) {
            inFlight = waiting.pollFirst();
            if (inFlight == null) {
                lock.notifyAll();
                return;
            }
        }
        schedule(0, 1);
    }

    /**
     * Waits until every signal sent so far was delivered or given up, at most {@code timeout}; true when
     * nothing is left. For a clean stop (the lab's end), not for the round thread.
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (inFlight != null && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return inFlight == null;
        }
    }

    /** Signals a receiver accepted with a 2xx. */
    public long delivered() {
        return delivered.get();
    }

    /** Attempts that failed and were retried. */
    public long retried() {
        return retried.get();
    }

    /** Signals dropped because the queue was full or the sink closed. */
    public long dropped() {
        return dropped.get();
    }

    /** Signals given up after the last attempt. */
    public long givenUp() {
        return givenUp.get();
    }

    @Override
    public void close() {
        int left;
        synchronized (lock) {
            closed = true;
            left = waiting.size() + (inFlight == null ? 0 : 1);
            waiting.clear();
            inFlight = null;
        }
        if (left > 0) {
            LOG.warn("webhook sink to {} closed with {} signals undelivered", config.url(), left);
        }
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "WebhookSink[" + config.url() + "]";
    }
}
