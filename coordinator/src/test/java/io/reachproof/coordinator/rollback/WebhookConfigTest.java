package io.reachproof.coordinator.rollback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookConfigTest {

    @Test
    void theSecretComesFromTheEnvironmentAndIsNeverPrinted() {
        WebhookConfig config = WebhookConfig.fromEnv("https://hooks.example.com/reachproof",
                Map.of("REACHPROOF_WEBHOOK_SECRET", "hunter2"));

        assertThat(new String(config.secret(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("hunter2");
        assertThat(config.maxAttempts()).isEqualTo(12);
        assertThat(config.toString()).doesNotContain("hunter2");
    }

    @Test
    void aMissingSecretIsAnErrorNamingTheVariable() {
        assertThatThrownBy(() -> WebhookConfig.fromEnv("http://127.0.0.1:9/hook", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("REACHPROOF_WEBHOOK_SECRET must be set to sign webhooks to http://127.0.0.1:9/hook");
    }

    @Test
    void theUrlIsCheckedBeforeTheSecret() {
        assertThatThrownBy(() -> WebhookConfig.fromEnv("hooks.example.com", Map.of()))
                .hasMessage("webhook URL must be http:// or https://: hooks.example.com");
    }

    @Test
    void aUrlThatIsNotHttpIsRejected() {
        assertThatThrownBy(() -> WebhookConfig.fromEnv("ftp://x/hook", Map.of("REACHPROOF_WEBHOOK_SECRET", "s")))
                .hasMessage("webhook URL must be http:// or https://: ftp://x/hook");
        assertThatThrownBy(() -> WebhookConfig.fromEnv("http://a b", Map.of("REACHPROOF_WEBHOOK_SECRET", "s")))
                .hasMessage("webhook URL is not a URL: http://a b (Illegal character in authority)");
    }
}
