package io.reachproof.coordinator.assembly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reachproof.coordinator.kube.LeaderElectionSettings;
import io.reachproof.coordinator.restore.RollbackMode;
import java.nio.file.Files;
import java.nio.file.Path;
import io.reachproof.coordinator.store.StoreSettings;
import io.reachproof.policy.Cidr;
import io.reachproof.policy.EgressAddresses;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CoordinatorConfigTest {

    @TempDir
    Path dir;

    private Path write(String text) throws Exception {
        Path f = dir.resolve("coordinator.yaml");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void aFullYamlConfigurationBecomesTypedSettings() throws Exception {
        Path f = write("""
                bind: 127.0.0.1
                port: 7171
                tokens: {aws-prod: a-secret, gcp-prod: g-secret}
                adminToken: ops
                expectations: [shop.yaml, sub/baseline.yaml]
                heartbeatInterval: 2s
                missedHeartbeats: 4
                goneAfter: 5m
                probeAttempts: 3
                probeTimeout: 750ms
                failedAttemptsForDeny: 2
                pairsPerClusterPair: 2
                probeBudgetPerAgent: 50
                roundSlack: 1s
                retainReports: 7
                pollTimeout: 20s
                maxBodyBytes: 100000
                maxInFlightBodyBytes: 2000000
                requestDeadline: 12s
                maxBatchResults: 900
                jitter: 1s
                """);

        CoordinatorConfig c = CoordinatorConfig.read(f);

        CoordinatorSettings s = c.settings();
        assertThat(s.api().bindAddress()).isEqualTo("127.0.0.1");
        assertThat(s.api().port()).isEqualTo(7171);
        assertThat(s.api().maxBodyBytes()).isEqualTo(100000);
        assertThat(s.api().maxInFlightBodyBytes()).isEqualTo(2000000);
        assertThat(s.api().requestDeadline()).isEqualTo(Duration.ofSeconds(12));
        assertThat(s.tokens()).isEqualTo(Map.of("aws-prod", "a-secret", "gcp-prod", "g-secret"));
        assertThat(s.adminToken()).contains("ops");
        assertThat(c.expectationFiles()).containsExactly(dir.resolve("shop.yaml"), dir.resolve("sub/baseline.yaml"));
        assertThat(s.registry().heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.registry().missedHeartbeats()).isEqualTo(4);
        assertThat(s.registry().goneAfter()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.planner().attempts()).isEqualTo(3);
        assertThat(s.planner().timeoutMillis()).isEqualTo(750);
        assertThat(s.planner().pairsPerClusterPair()).isEqualTo(2);
        assertThat(s.planner().probeBudgetPerAgent()).isEqualTo(50);
        assertThat(s.failedAttemptsForDeny()).isEqualTo(2);
        assertThat(s.rounds().slack()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.rounds().retainReports()).isEqualTo(7);
        assertThat(s.pollTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(s.maxBatchResults()).isEqualTo(900);
        assertThat(s.maxJitter()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void policyFilesAndDirectoriesAreRelativeToTheConfigurationAndOptional() throws Exception {
        Path with = write("tokens: {aws: t}\nexpectations: [a.yaml]\npolicies: [policies/, extra/np.yaml]\n");
        assertThat(CoordinatorConfig.read(with).policyPaths())
                .containsExactly(dir.resolve("policies/"), dir.resolve("extra/np.yaml"));

        Path without = write("tokens: {aws: t}\nexpectations: [a.yaml]\n");
        assertThat(CoordinatorConfig.read(without).policyPaths()).isEmpty();
    }

    @Test
    void jsonWorksAndDefaultsFillTheRest() throws Exception {
        Path f = write("{\"tokens\": {\"lab\": \"t\"}, \"expectations\": [\"lab.yaml\"]}");

        CoordinatorSettings s = CoordinatorConfig.read(f).settings();

        assertThat(s.api().bindAddress()).isEqualTo("0.0.0.0");
        assertThat(s.api().port()).isEqualTo(7070);
        assertThat(s.adminToken()).isEqualTo(Optional.empty());
        assertThat(s.registry().heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.failedAttemptsForDeny()).isEqualTo(2);
        assertThat(s.api().maxInFlightBodyBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(s.api().requestDeadline()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void theBodyBudgetOfAllRequestsMayNotBeSmallerThanOneBody() throws Exception {
        Path f = write("tokens: {lab: t}\nexpectations: [lab.yaml]\nmaxBodyBytes: 100000\nmaxInFlightBodyBytes: 5000\n");

        assertThatThrownBy(() -> CoordinatorConfig.read(f)).hasMessage(
                f + ":4:23: maxInFlightBodyBytes: must be at least maxBodyBytes (100000)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "port: 70000|3:7: port: must be a whole number in 0..65535, not 70000",
        "heartbeatInterval: 5 seconds|3:20: heartbeatInterval: must be a positive duration such as 500ms, 5s or 1m, not 5 seconds",
        "tokens: {aws: ''}|2:15: tokens.aws: must be a non-blank string",
        "probeAttempts: 1|3:24: failedAttemptsForDeny: must not exceed probeAttempts (1)",
        "goneAfter: 10s|3:12: goneAfter: must be longer than heartbeatInterval x missedHeartbeats",
        "policies: []|3:11: policies: must be a non-empty list of files or directories",
        "policies: policies/|3:11: policies: must be a non-empty list of files or directories",
        "policies: [7]|3:12: policies: must list file or directory names, not 7",
        "prot: 7070|3:1: prot: unknown key (did you mean 'port'?)",
        "maxBodyBytes: 0x10|3:15: maxBodyBytes: must be a whole number in 1024..2147483647, not 0x10",
    })
    void anInvalidValueIsAnErrorNamingTheKeyAndItsPosition(String line, String message) throws Exception {
        String base = line.startsWith("tokens") ? "expectations: [a.yaml]\n"
                : "tokens: {aws: t}\nexpectations: [a.yaml]\n" + (line.startsWith("probeAttempts") ? "failedAttemptsForDeny: 2\n" : "");
        Path f = write(base + line + "\n");

        assertThatThrownBy(() -> CoordinatorConfig.read(f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(f + ":" + message);
    }

    @Test
    void clustersUnderTokenReviewNeedNoTokenAndMayNotHaveOne() throws Exception {
        Path f = write("""
                tokenReview: {clusters: [gke-prod, eks-prod], audience: reachproof-agents}
                expectations: [shop.yaml]
                """);

        AgentAuthSettings auth = CoordinatorConfig.read(f).settings().agentAuth();

        assertThat(auth.tokenReviewClusters()).containsExactlyInAnyOrder("gke-prod", "eks-prod");
        assertThat(auth.audience()).isEqualTo("reachproof-agents");
        assertThat(CoordinatorConfig.read(write("tokens: {lab: t}\nexpectations: [shop.yaml]\n")).settings().agentAuth())
                .isEqualTo(AgentAuthSettings.CLUSTER_TOKENS);

        Path both = write("""
                tokens: {gke-prod: t}
                tokenReview: {clusters: [gke-prod]}
                expectations: [shop.yaml]
                """);
        assertThatThrownBy(() -> CoordinatorConfig.read(both)).hasMessage(both + ":2:14: tokenReview.clusters: cluster"
                + " gke-prod also has a token (tokens.gke-prod); a cluster's agents authenticate one way");
        Path empty = write("tokenReview: {clusters: []}\nexpectations: [shop.yaml]\n");
        assertThatThrownBy(() -> CoordinatorConfig.read(empty)).hasMessageContaining("tokenReview.clusters: must be a"
                + " non-empty list of the clusters (watched with --kubernetes)");
    }

    @Test
    void workloadModeNamesItsClustersAndThePrepareWindowIsADuration() throws Exception {
        Path f = write("""
                tokens: {gke-prod: t, eks-prod: u}
                workloadMode: {clusters: [gke-prod]}
                prepareWindow: 12s
                expectations: [shop.yaml]
                """);

        CoordinatorSettings settings = CoordinatorConfig.read(f).settings();

        assertThat(settings.workloadClusters()).containsExactly("gke-prod");
        assertThat(settings.rounds().prepareWindow()).isEqualTo(Duration.ofSeconds(12));
        CoordinatorSettings plain = CoordinatorConfig.read(write("tokens: {lab: t}\nexpectations: [shop.yaml]\n")).settings();
        assertThat(plain.workloadClusters()).isEmpty();
        assertThat(plain.rounds().prepareWindow()).isEqualTo(Duration.ofSeconds(8));

        Path wrong = write("tokens: {lab: t}\nworkloadMode: {cluster: [lab]}\nexpectations: [shop.yaml]\n");
        assertThatThrownBy(() -> CoordinatorConfig.read(wrong)).hasMessageContaining(wrong + ":2:16: workloadMode.cluster:"
                + " unknown key (did you mean 'clusters'?)");
        Path list = write("tokens: {lab: t}\nworkloadMode: [lab]\nexpectations: [shop.yaml]\n");
        assertThatThrownBy(() -> CoordinatorConfig.read(list)).hasMessageContaining(list + ":2:15: workloadMode: must be a"
                + " mapping (clusters)");
        Path zero = write("tokens: {lab: t}\nprepareWindow: 0s\nexpectations: [shop.yaml]\n");
        assertThatThrownBy(() -> CoordinatorConfig.read(zero)).hasMessageContaining(zero + ":2:16: prepareWindow: must be a"
                + " positive duration");
    }

    @Test
    void egressAddressesArePodIpByDefaultOrTheSnatCidrsOfEachCluster() throws Exception {
        Path f = write("""
                tokens: {aws: t, gcp: u, azure: v}
                egressAddresses:
                  aws: podIP
                  gcp: [203.0.113.7/32, 198.51.100.0/30]
                expectations: [shop.yaml]
                """);

        Map<String, EgressAddresses> egress = CoordinatorConfig.read(f).egressAddresses();

        assertThat(egress).containsOnlyKeys("aws", "gcp");
        assertThat(egress.get("aws")).isEqualTo(EgressAddresses.POD_IP);
        assertThat(egress.get("gcp").snat()).extracting(Cidr::toString).containsExactly("203.0.113.7/32", "198.51.100.0/30");
        assertThat(CoordinatorConfig.read(write("tokens: {lab: t}\nexpectations: [shop.yaml]\n")).egressAddresses()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "egressAddresses: {gcp: [10.0.0.1]}|2:25: egressAddresses.gcp: must list CIDRs (10.0.0.1/32), not 10.0.0.1",
        "egressAddresses: {gcp: [10.0.0.0/33, 10.0.0.0/8]}|2:25: egressAddresses.gcp: must list CIDRs (10.0.0.1/32), not 10.0.0.0/33",
        "egressAddresses: {gcp: podip}|2:24: egressAddresses.gcp: must be podIP or a non-empty list of CIDRs (10.0.0.1/32), not podip",
        "egressAddresses: {gcp: []}|2:24: egressAddresses.gcp: must be podIP or a non-empty list of CIDRs (10.0.0.1/32), not an empty list",
        "egressAddresses: [10.0.0.1/32]|2:18: egressAddresses: must map each cluster name to podIP or a list of CIDRs",
        "egressAdresses: {gcp: podIP}|2:1: egressAdresses: unknown key (did you mean 'egressAddresses'?)",
    })
    void aBadEgressAddressIsAnErrorNamingTheKeyAndItsPosition(String line, String message) throws Exception {
        Path f = write("tokens: {gcp: t}\n" + line + "\nexpectations: [shop.yaml]\n");

        assertThatThrownBy(() -> CoordinatorConfig.read(f)).hasMessageContaining(f + ":" + message);
    }

    @Test
    void aTraceUiIsAWebUrlThePageLinksTracesWith() throws Exception {
        Path f = write("tokens: {lab: t}\ntraceUi: https://jaeger.example/trace/\nexpectations: [shop.yaml]\n");

        assertThat(CoordinatorConfig.read(f).settings().traceUi()).contains("https://jaeger.example/trace/");
        assertThat(CoordinatorConfig.read(write("tokens: {lab: t}\nexpectations: [shop.yaml]\n")).settings().traceUi())
                .isEmpty();
        Path ftp = write("tokens: {lab: t}\ntraceUi: ftp://traces\nexpectations: [shop.yaml]\n");
        assertThatThrownBy(() -> CoordinatorConfig.read(ftp)).hasMessageContaining(ftp + ":2:10: traceUi: must be an"
                + " http:// or https:// URL, not ftp://traces");
    }

    @Test
    void theStoreIsAnH2FileInTheDataDirectoryUnlessPostgresIsConfigured() throws Exception {
        StoreSettings embedded = CoordinatorConfig.read(write("tokens: {lab: t}\nexpectations: [shop.yaml]\n")).store();
        assertThat(embedded.url()).isEqualTo(StoreSettings.h2Url(dir.resolve("data")));
        assertThat(embedded.retention()).isEqualTo(Duration.ofDays(90));

        Files.writeString(dir.resolve("db-password"), "s3cret\n");
        StoreSettings pg = CoordinatorConfig.read(write("""
                tokens: {lab: t}
                expectations: [shop.yaml]
                store:
                  url: jdbc:postgresql://db.example:5432/reachproof
                  user: reachproof
                  passwordFile: db-password
                  retention: 30d
                """)).store();
        assertThat(pg).isEqualTo(new StoreSettings("jdbc:postgresql://db.example:5432/reachproof",
                Optional.of("reachproof"), Optional.of("s3cret"), Duration.ofDays(30)));
        assertThat(pg.toString()).doesNotContain("s3cret");
    }

    @Test
    void storeMistakesNameTheKeyAndItsPosition() throws Exception {
        Path f = write("""
                tokens: {lab: t}
                expectations: [shop.yaml]
                store:
                  url: jdbc:mysql://db/reachproof
                  passwordFile: nowhere
                  retention: forever
                  usr: x
                """);
        assertThatThrownBy(() -> CoordinatorConfig.read(f)).hasMessage(String.join("\n",
                f + ":4:8: store.url: must be jdbc:postgresql://HOST:PORT/DATABASE or jdbc:h2:..., not jdbc:mysql://db/reachproof",
                f + ":5:17: store.passwordFile: no such file: " + dir.resolve("nowhere"),
                f + ":6:14: store.retention: must be a positive duration such as 90d or 720h, not forever",
                f + ":7:3: store.usr: unknown key (did you mean 'user'?)"));
    }

    @Test
    void syncGroupsNameTheirClustersNamespacesAndSourceAndEveryMistakeIsLocated() throws Exception {
        Files.createDirectories(dir.resolve("policies"));
        Path f = write("""
                tokens: {aws: a, gcp: g}
                expectations: [shop.yaml]
                syncGroups:
                - {name: shop, clusters: [aws, gcp], namespaces: [shop, payments]}
                - {name: truth, clusters: [gcp], source: policies}
                """);

        assertThat(CoordinatorConfig.read(f).syncGroups()).containsExactly(
                new CoordinatorConfig.SyncGroupConfig("shop", List.of("aws", "gcp"), List.of("shop", "payments"),
                        java.util.Optional.empty()),
                new CoordinatorConfig.SyncGroupConfig("truth", List.of("gcp"), List.of(),
                        java.util.Optional.of(dir.resolve("policies"))));

        Path bad = write("""
                tokens: {aws: a, gcp: g}
                expectations: [shop.yaml]
                syncGroups:
                - {name: shop, clusters: [aws]}
                - {name: shop, clusters: [aws, gcp], namespaces: [Shop], source: nope/}
                - {name: other, cluster: [aws, gcp]}
                """);
        assertThatThrownBy(() -> CoordinatorConfig.read(bad)).hasMessage(String.join("\n",
                bad + ":4:26: syncGroups[0].clusters: a group compares at least two clusters, or one with a source",
                bad + ":5:10: syncGroups[1].name: group shop is named twice",
                bad + ":5:51: syncGroups[1].namespaces: must list namespace names, not Shop",
                bad + ":5:66: syncGroups[1].source: no such file or directory: " + dir.resolve("nope"),
                bad + ":6:3: syncGroups[2].clusters: must be a non-empty list of the clusters (watched with --kubernetes)"
                        + " that must carry the same NetworkPolicies",
                bad + ":6:17: syncGroups[2].cluster: unknown key (did you mean 'clusters'?)"));
    }

    @Test
    void rollbackOfASyncGroupGivesEachOfItsClustersAModeAndNeedsItsNamespaces() throws Exception {
        Path f = write("""
                tokens: {aws: a, gcp: g}
                expectations: [shop.yaml]
                syncGroups:
                - name: shop
                  clusters: [aws, gcp]
                  namespaces: [shop]
                  rollback: {mode: apply, clusters: [gcp]}
                - name: all
                  clusters: [aws, gcp]
                  namespaces: [payments]
                  rollback: {mode: dry-run}
                """);

        assertThat(CoordinatorConfig.read(f).syncGroups()).extracting(CoordinatorConfig.SyncGroupConfig::rollback)
                .containsExactly(Map.of("gcp", RollbackMode.APPLY), Map.of("aws", RollbackMode.DRY_RUN, "gcp", RollbackMode.DRY_RUN));

        Path bad = write("""
                tokens: {aws: a, gcp: g}
                expectations: [shop.yaml]
                syncGroups:
                - {name: a, clusters: [aws, gcp], rollback: {mode: apply}}
                - {name: b, clusters: [aws, gcp], namespaces: [shop], rollback: {mode: yes-please, clusters: [azure]}}
                - {name: c, clusters: [aws, gcp], namespaces: [shop], rollback: apply}
                - {name: d, clusters: [aws, gcp], namespaces: [shop], rollback: {mod: apply}}
                """);
        assertThatThrownBy(() -> CoordinatorConfig.read(bad)).hasMessage(String.join("\n",
                bad + ":4:52: syncGroups[0].rollback.mode: rollback writes NetworkPolicies only in the group's namespaces:"
                        + " list them in syncGroups[0].namespaces",
                bad + ":5:72: syncGroups[1].rollback.mode: must be off, dry-run or apply, not 'yes-please'",
                bad + ":5:94: syncGroups[1].rollback.clusters: names cluster azure, which is not in the group (aws, gcp)",
                bad + ":6:65: syncGroups[2].rollback: must be a mapping (mode, clusters), not apply",
                bad + ":7:66: syncGroups[3].rollback.mod: unknown key (did you mean 'mode'?)"));
    }

    @Test
    void tlsFilesAreRelativeToTheConfigurationAndMustExist() throws Exception {
        Files.createDirectories(dir.resolve("tls"));
        for (String f : List.of("tls.crt", "tls.key", "ca.crt")) {
            Files.writeString(dir.resolve("tls").resolve(f), "pem");
        }
        Path f = write("""
                tokens: {lab: t}
                expectations: [shop.yaml]
                tls: {certFile: tls/tls.crt, keyFile: tls/tls.key, clientCaFile: tls/ca.crt}
                """);

        assertThat(CoordinatorConfig.read(f).settings().api().tls()).contains(new io.reachproof.coordinator.api.ServerTls(
                dir.resolve("tls/tls.crt"), dir.resolve("tls/tls.key"), java.util.Optional.of(dir.resolve("tls/ca.crt"))));

        Path missing = write("tokens: {lab: t}\nexpectations: [shop.yaml]\ntls: {certFile: nope.crt, keyFile: tls/tls.key}\n");
        assertThatThrownBy(() -> CoordinatorConfig.read(missing)).hasMessage(missing + ":3:17: tls.certFile: no such file: "
                + dir.resolve("nope.crt"));
    }

    @Test
    void missingTokensAndExpectationsAreNamed() throws Exception {
        Path noTokens = write("expectations: [a.yaml]\n");
        assertThatThrownBy(() -> CoordinatorConfig.read(noTokens))
                .hasMessage(noTokens + ":1:1: tokens: is required (a bearer token per cluster)");
        Path noFiles = write("tokens: {aws: t}\n");
        assertThatThrownBy(() -> CoordinatorConfig.read(noFiles)).hasMessage(noFiles + ":1:1: expectations: is required");
    }

    @Test
    void everyProblemOfTheFileIsReportedInOnePassWithItsPosition() throws Exception {
        Path f = write("""
                port: 70000
                tokens: {aws: ''}
                expectations: [a.yaml]
                heartbeatInteval: 5s
                probeTimeout: fast
                leaderElection: {leaseDuration: 15, retryPeriod: 9s}
                """);

        assertThatThrownBy(() -> CoordinatorConfig.read(f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(String.join("\n",
                        f + ":1:7: port: must be a whole number in 0..65535, not 70000",
                        f + ":2:15: tokens.aws: must be a non-blank string",
                        f + ":4:1: heartbeatInteval: unknown key (did you mean 'heartbeatInterval'?)",
                        f + ":5:15: probeTimeout: must be a positive duration such as 500ms, 5s or 1m, not fast",
                        f + ":6:33: leaderElection.leaseDuration: must be a positive duration such as 500ms, 5s or 1m, not 15",
                        f + ":6:50: leaderElection.retryPeriod: must be shorter than leaderElection.renewDeadline (10s) / 1.2"
                                + " (fabric8 jitters it), not 9s"));
    }

    @Test
    void duplicateKeysAndNonMappingsAreRefused() throws Exception {
        Path dup = write("tokens: {aws: t}\nexpectations: [a.yaml]\nport: 1\nport: 2\n");
        assertThatThrownBy(() -> CoordinatorConfig.read(dup)).hasMessage(dup + ":4:1: port: duplicate key (first at line 3)");
        Path list = write("- a\n- b\n");
        assertThatThrownBy(() -> CoordinatorConfig.read(list))
                .hasMessage(list + ":1:1: the configuration must be a mapping of keys to values");
        Path broken = write("tokens: {aws: t\n");
        assertThatThrownBy(() -> CoordinatorConfig.read(broken))
                .hasMessage(broken + ":2:1: not valid YAML or JSON: while parsing a flow mapping: expected ',' or '}', but got <stream end>");
    }

    @Test
    void aDeeplyNestedFileIsAProblemAtTheLevelTooDeepNotAStackOverflow() throws Exception {
        // the mapping is level 1, so the 100th [ (column 108) is the first too deep
        Path f = write("tokens: " + "[".repeat(2000) + "\n");

        assertThatThrownBy(() -> CoordinatorConfig.read(f))
                .hasMessage(f + ":1:108: lists and mappings nest more than 100 levels deep (the limit)");
    }

    @Test
    void anAliasBombIsRefusedBeforeItIsExpanded() throws Exception {
        Path f = write(aliasBomb(20) + "tokens: {aws: t}\nexpectations: [a.yaml]\n");

        assertThatThrownBy(() -> CoordinatorConfig.read(f))
                .hasMessage(f + ":15:8: aliases of the anchor &a13 expand the document by more than 100000 nodes (the limit)");
    }

    /** {@code levels} lists, each holding the one before twice: 2^levels leaves in a few hundred bytes. */
    static String aliasBomb(int levels) {
        StringBuilder yaml = new StringBuilder("bomb:\n  a0: &a0 [x, x]\n");
        for (int i = 1; i < levels; i++) {
            yaml.append("  a").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a").append(i - 1).append("]\n");
        }
        return yaml.toString();
    }

    private static final String LEADER_BASE = "tokens: {aws: t}\nexpectations: [a.yaml]\n";

    @Test
    void withoutTheBlockThereIsNoElection() throws Exception {
        assertThat(CoordinatorConfig.read(write(LEADER_BASE)).leaderElection()).isEmpty();
    }

    @Test
    void anEmptyBlockElectsWithTheDefaults() throws Exception {
        Optional<LeaderElectionSettings> e = CoordinatorConfig.read(write(LEADER_BASE + "leaderElection: {}\n")).leaderElection();

        assertThat(e).contains(LeaderElectionSettings.defaults());
        assertThat(e.get().leaseDuration()).isEqualTo(Duration.ofSeconds(15));
        assertThat(e.get().renewDeadline()).isEqualTo(Duration.ofSeconds(10));
        assertThat(e.get().retryPeriod()).isEqualTo(Duration.ofSeconds(2));
        assertThat(e.get().name()).isEqualTo("reachproof-coordinator");
    }

    @Test
    void everyKeyOfTheBlockIsRead() throws Exception {
        Path f = write(LEADER_BASE + """
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
        assertThat(CoordinatorConfig.read(write(LEADER_BASE + "leaderElection: {enabled: false, name: x}\n")).leaderElection())
                .isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "leaderElection: yes|3:17: leaderElection: must be a mapping (enabled, namespace, name, identity, leaseDuration,"
                + " renewDeadline, retryPeriod), not yes",
        "leaderElection: {leaseDurtion: 15s}|3:18: leaderElection.leaseDurtion: unknown key (did you mean 'leaseDuration'?)",
        "leaderElection: {enabled: 1}|3:27: leaderElection.enabled: must be true or false, not 1",
        "leaderElection: {namespace: Reach_Proof}|3:29: leaderElection.namespace: must be a Kubernetes name (lower-case letters,"
                + " digits, '-' and '.'), not 'Reach_Proof'",
        "leaderElection: {name: ''}|3:24: leaderElection.name: must be a Kubernetes name (lower-case letters, digits, '-' and"
                + " '.'), not ''",
        "leaderElection: {identity: ' '}|3:28: leaderElection.identity: must not be blank",
        "leaderElection: {leaseDuration: 15}|3:33: leaderElection.leaseDuration: must be a positive duration such as 500ms,"
                + " 5s or 1m, not 15",
        "leaderElection: {leaseDuration: 10s}|3:33: leaderElection.renewDeadline: must be shorter than"
                + " leaderElection.leaseDuration (10s), not 10s",
        "leaderElection: {retryPeriod: 9s}|3:31: leaderElection.retryPeriod: must be shorter than leaderElection.renewDeadline"
                + " (10s) / 1.2 (fabric8 jitters it), not 9s",
    })
    void anInvalidLeaderElectionValueIsAnErrorNamingTheKeyAndItsPosition(String line, String message) throws Exception {
        Path f = write(LEADER_BASE + line + "\n");

        assertThatThrownBy(() -> CoordinatorConfig.read(f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(f + ":" + message);
    }

    @Test
    void settingsRefuseARenewDeadlineNotShorterThanTheLease() {
        assertThatThrownBy(() -> new LeaderElectionSettings(Optional.empty(), "l", Optional.empty(),
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(1)))
                .hasMessage("renewDeadline (PT5S) must be shorter than leaseDuration (PT5S)");
    }
}
