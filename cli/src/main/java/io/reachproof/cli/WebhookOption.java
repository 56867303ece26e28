package io.reachproof.cli;

import io.reachproof.coordinator.rollback.RollbackSink;
import io.reachproof.coordinator.rollback.RollbackWiring;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --webhook URL}, shared by {@code lab} and {@code coordinator}: where rollback signals are posted. */
final class WebhookOption {

    @Option(names = "--webhook", paramLabel = "URL",
            description = "send rollback signals to URL as signed JSON (secret: env REACHPROOF_WEBHOOK_SECRET)")
    String url;

    /** The sinks the option asks for (none without it); a bad URL or a missing secret is a UserError. */
    List<RollbackSink> sinks(Map<String, String> env) {
        List<RollbackSink> sinks = new ArrayList<>();
        if (url != null) {
            try {
                sinks.add(RollbackWiring.webhook(url, env));
            } catch (IllegalArgumentException e) {
                throw new UserError("--webhook: " + e.getMessage());
            }
        }
        return sinks;
    }
}
