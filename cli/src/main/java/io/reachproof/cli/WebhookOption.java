package io.reachproof.cli;

import io.reachproof.coordinator.rollback.WebhookConfig;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --webhook URL}, shared by {@code lab} and {@code coordinator}: where rollback signals are posted. */
final class WebhookOption {

    @Option(names = "--webhook", paramLabel = "URL",
            description = "send rollback signals to URL as signed JSON (secret: env REACHPROOF_WEBHOOK_SECRET)")
    String url;

    /** The webhook the option asks for (none without it); a bad URL or a missing secret is a UserError. */
    Optional<WebhookConfig> config(Map<String, String> env) {
        if (url == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(WebhookConfig.fromEnv(url, env));
        } catch (IllegalArgumentException e) {
            throw new UserError("--webhook: " + e.getMessage());
        }
    }
}
