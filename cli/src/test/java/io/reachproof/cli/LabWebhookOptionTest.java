package io.reachproof.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import org.junit.jupiter.api.Test;

class LabWebhookOptionTest {

    @Test
    void aWebhookWithoutASecretIsRefusedBeforeTheLabStarts() {
        assumeThat(System.getenv("REACHPROOF_WEBHOOK_SECRET")).as("REACHPROOF_WEBHOOK_SECRET is set here").isNull();
        CliRun cli = new CliRun();

        int exit = cli.run("lab", "--webhook", "http://127.0.0.1:9/hook", "--duration", "1s");

        assertThat(exit).isEqualTo(1);
        assertThat(cli.err()).isEqualTo("--webhook: REACHPROOF_WEBHOOK_SECRET must be set to sign webhooks to"
                + " http://127.0.0.1:9/hook" + System.lineSeparator());
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void aWebhookThatIsNotAnHttpUrlIsRefused() {
        CliRun cli = new CliRun();

        assertThat(cli.run("lab", "--webhook", "hooks.example.com", "--duration", "1s")).isEqualTo(1);
        assertThat(cli.err()).isEqualTo("--webhook: webhook URL must be http:// or https://: hooks.example.com"
                + System.lineSeparator());
    }
}
