package io.reachproof.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reachproof.coordinator.kube.LeaderElectionSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LeaderElectionConfigTest {

    private static final String BASE = "tokens: {aws: t}\nexpectations: [a.yaml]\n";

    @TempDir
    Path dir;

    private Path write(String text) throws Exception {
        Path f = dir.resolve("coordinator.yaml");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void withoutTheBlockThereIsNoElection() throws Exception {
        assertThat(CoordinatorConfig.read(write(BASE)).leaderElection()).isEmpty();
    }

    @Test
    void anEmptyBlockElectsWithTheDefaults() throws Exception {
        Optional<LeaderElectionSettings> e = CoordinatorConfig.read(write(BASE + "leaderElection: {}\n")).leaderElection();

        assertThat(e).contains(LeaderElectionSettings.defaults());
        assertThat(e.get().leaseDuration()).isEqualTo(Duration.ofSeconds(15));
        assertThat(e.get().renewDeadline()).isEqualTo(Duration.ofSeconds(10));
        assertThat(e.get().retryPeriod()).isEqualTo(Duration.ofSeconds(2));
        assertThat(e.get().name()).isEqualTo("reachproof-coordinator");
    }

    @Test
    void everyKeyOfTheBlockIsRead() throws Exception {
        Path f = write(BASE + """
                leaderElection:
                  enabled: true
                  namespace: reachproof
                  name: rp-leader
                  identity: coordinator-7f9c-abcde
                  leaseDuration: 30s
                  renewDeadline: 20s
                  retryPeriod: 4s
                """);

        assertThat(CoordinatorConfig.read(f).leaderElection()).contains(new LeaderElectionSettings(
                Optional.of("reachproof"), "rp-leader", Optional.of("coordinator-7f9c-abcde"), Duration.ofSeconds(30),
                Duration.ofSeconds(20), Duration.ofSeconds(4)));
    }

    @Test
    void enabledFalseMeansAlwaysTheLeader() throws Exception {
        assertThat(CoordinatorConfig.read(write(BASE + "leaderElection: {enabled: false, name: x}\n")).leaderElection())
                .isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "leaderElection: yes|leaderElection: must be a mapping (enabled, namespace, name, identity, leaseDuration,"
                + " renewDeadline, retryPeriod), not yes",
        "leaderElection: {leaseDurtion: 15s}|leaderElection.leaseDurtion: unknown key; expected one of enabled, identity,"
                + " leaseDuration, name, namespace, renewDeadline, retryPeriod",
        "leaderElection: {enabled: 1}|leaderElection.enabled: must be true or false, not 1",
        "leaderElection: {namespace: Reach_Proof}|leaderElection.namespace: must be a Kubernetes name (lower-case letters,"
                + " digits, '-' and '.'), not 'Reach_Proof'",
        "leaderElection: {name: ''}|leaderElection.name: must be a Kubernetes name (lower-case letters, digits, '-' and"
                + " '.'), not ''",
        "leaderElection: {identity: ' '}|leaderElection.identity: must not be blank",
        "leaderElection: {leaseDuration: 15}|leaderElection.leaseDuration: must be a positive duration such as 500ms,"
                + " 5s or 1m, not 15",
        "leaderElection: {leaseDuration: 10s}|leaderElection.renewDeadline: must be shorter than"
                + " leaderElection.leaseDuration (10s), not 10s",
        "leaderElection: {retryPeriod: 9s}|leaderElection.retryPeriod: must be shorter than leaderElection.renewDeadline"
                + " (10s) / 1.2 (fabric8 jitters it), not 9s",
    })
    void anInvalidValueIsAnErrorNamingTheKey(String line, String message) throws Exception {
        Path f = write(BASE + line + "\n");

        assertThatThrownBy(() -> CoordinatorConfig.read(f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(f + ": " + message);
    }

    @Test
    void settingsRefuseARenewDeadlineNotShorterThanTheLease() {
        assertThatThrownBy(() -> new LeaderElectionSettings(Optional.empty(), "l", Optional.empty(),
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(1)))
                .hasMessage("renewDeadline (PT5S) must be shorter than leaseDuration (PT5S)");
    }
}
