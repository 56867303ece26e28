package io.reachproof.coordinator.rollback;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * How the webhook sink delivers: where, with which secret, how hard it retries.
 *
 * @param queueCapacity signals waiting behind the one in flight; beyond it the oldest waiting signal is
 *     dropped (counted and logged): each signal carries the whole current state, so the newest matters most
 * @param maxAttempts attempts per signal before it is given up (counted and logged)
 */
public record WebhookConfig(URI url, byte[] secret, int queueCapacity, int maxAttempts, Backoff backoff,
        Duration requestTimeout) {

    public static final String SECRET_ENV = "REACHPROOF_WEBHOOK_SECRET";

    public WebhookConfig {
        requireNonNull(url, "url");
        requireNonNull(secret, "secret");
        requireNonNull(backoff, "backoff");
        requireNonNull(requestTimeout, "requestTimeout");
        checkUrl(url);
        if (secret.length == 0) {
            throw new IllegalArgumentException(SECRET_ENV + " must not be empty");
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be at least 1: " + queueCapacity);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        secret = secret.clone();
    }

    /**
     * The production defaults for {@code url}, with the secret from {@value #SECRET_ENV}: 256 queued
     * signals, 12 attempts, backoff 1 s doubling to 60 s (about 8 minutes in all), 10 s per request.
     */
    public static WebhookConfig fromEnv(String url, Map<String, String> env) {
        requireNonNull(url, "url");
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("webhook URL is not a URL: " + url + " (" + e.getReason() + ")", e);
        }
        checkUrl(uri);
        String secret = env.get(SECRET_ENV);
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException(SECRET_ENV + " must be set to sign webhooks to " + url);
        }
        return new WebhookConfig(uri, secret.getBytes(StandardCharsets.UTF_8), 256, 12,
                new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60)), Duration.ofSeconds(10));
    }

    private static void checkUrl(URI url) {
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            throw new IllegalArgumentException("webhook URL must be http:// or https://: " + url);
        }
        if (url.getHost() == null) {
            throw new IllegalArgumentException("webhook URL has no host: " + url);
        }
    }

    public WebhookConfig withRetries(int attempts, Backoff newBackoff) {
        return new WebhookConfig(url, secret, queueCapacity, attempts, newBackoff, requestTimeout);
    }

    public WebhookConfig withQueueCapacity(int capacity) {
        return new WebhookConfig(url, secret, capacity, maxAttempts, backoff, requestTimeout);
    }

    @Override
    public byte[] secret() {
        return secret.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WebhookConfig c && url.equals(c.url) && Arrays.equals(secret, c.secret)
                && queueCapacity == c.queueCapacity && maxAttempts == c.maxAttempts && backoff.equals(c.backoff)
                && requestTimeout.equals(c.requestTimeout);
    }

    @Override
    public int hashCode() {
        return url.hashCode();
    }

    /** Never shows the secret. */
    @Override
    public String toString() {
        return "WebhookConfig[url=" + url + ", queueCapacity=" + queueCapacity + ", maxAttempts=" + maxAttempts
                + ", backoff=" + backoff + ", requestTimeout=" + requestTimeout + "]";
    }
}
