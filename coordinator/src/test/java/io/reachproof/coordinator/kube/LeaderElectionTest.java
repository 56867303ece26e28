package io.reachproof.coordinator.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class LeaderElectionTest {

    static final Duration LEASE = Duration.ofSeconds(3);
    static final LeaderElectionSettings FAST = new LeaderElectionSettings(Optional.of("reachproof"),
            "reachproof-coordinator", Optional.empty(), LEASE, Duration.ofSeconds(2), Duration.ofMillis(250));

    KubernetesClient client;

    private final AtomicInteger leaders = new AtomicInteger();
    private final AtomicInteger mostLeadersAtOnce = new AtomicInteger();
    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** A candidate whose leadership changes are counted across all candidates of the test. */
    private LeaderElection candidate(String identity, List<Boolean> changes) {
        LeaderElection e = LeaderElection.start(client, FAST, identity, leading -> {
            changes.add(leading);
            int now = leading ? leaders.incrementAndGet() : leaders.decrementAndGet();
            mostLeadersAtOnce.accumulateAndGet(now, Math::max);
        });
        open.add(e);
        return e;
    }

    private Lease lease() {
        return client.leases().inNamespace("reachproof").withName("reachproof-coordinator").get();
    }

    @Test
    void ofTwoCandidatesExactlyOneLeadsAndHoldsTheLease() {
        List<Boolean> a = new CopyOnWriteArrayList<>();
        List<Boolean> b = new CopyOnWriteArrayList<>();
        LeaderElection first = candidate("coordinator-a", a);
        LeaderElection second = candidate("coordinator-b", b);

        await().atMost(Duration.ofSeconds(10)).until(() -> first.leading() || second.leading());
        // several renewals later there is still exactly one leader, the one the Lease names
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> first.leading() != second.leading());

        LeaderElection leader = first.leading() ? first : second;
        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo(leader.identity());
        assertThat(mostLeadersAtOnce.get()).isEqualTo(1);
        assertThat(first.leading() ? b : a).isEmpty();
    }

    @Test
    void whenTheLeaderStopsTheStandbyTakesOverWithinTheLeaseDuration() {
        List<Boolean> a = new CopyOnWriteArrayList<>();
        List<Boolean> b = new CopyOnWriteArrayList<>();
        LeaderElection first = candidate("coordinator-a", a);
        await().atMost(Duration.ofSeconds(10)).until(first::leading);
        LeaderElection second = candidate("coordinator-b", b);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> !second.leading());

        first.close();

        assertThat(first.leading()).isFalse();
        assertThat(a).containsExactly(true, false);
        await().atMost(LEASE).until(second::leading);
        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("coordinator-b");
        assertThat(mostLeadersAtOnce.get()).isEqualTo(1);
    }

    @Test
    void aLeaseHeldByAnotherWaitsUntilItExpires() {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        client.resource(new LeaseBuilder()
                .withNewMetadata().withNamespace("reachproof").withName("reachproof-coordinator").endMetadata()
                .withNewSpec()
                    .withHolderIdentity("crashed-coordinator")
                    .withLeaseDurationSeconds(1)
                    .withAcquireTime(now)
                    .withRenewTime(now)
                    .withLeaseTransitions(0)
                .endSpec()
                .build()).create();
        List<Boolean> changes = new CopyOnWriteArrayList<>();

        LeaderElection e = candidate("coordinator-a", changes);

        // the crashed holder never renews: the candidate takes over once its lease has run out
        await().atMost(Duration.ofSeconds(5)).until(e::leading);
        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("coordinator-a");
    }

    @Test
    void aLeaderWhoseLeaseIsTakenStepsDownAndLeadsAgainOnceItIsFree() {
        List<Boolean> changes = new CopyOnWriteArrayList<>();
        LeaderElection e = candidate("coordinator-a", changes);
        await().atMost(Duration.ofSeconds(10)).until(e::leading);

        // another holder writes itself into the Lease (as if this replica had been partitioned away) and keeps it
        // for 3 s: this replica cannot renew, gives leadership up, campaigns, and leads again once it expires.
        // Like any writer it retries when its write meets a concurrent renewal (409 Conflict).
        await().atMost(Duration.ofSeconds(5))
                .ignoreExceptionsMatching(x -> x instanceof KubernetesClientException k && k.getCode() == 409)
                .until(() -> client.leases().inNamespace("reachproof").withName("reachproof-coordinator")
                        .edit(l -> new LeaseBuilder(l)
                                .editSpec()
                                    .withHolderIdentity("usurper")
                                    .withLeaseDurationSeconds(3)
                                    .withRenewTime(ZonedDateTime.now(ZoneOffset.UTC))
                                .endSpec().build()) != null);

        await().atMost(Duration.ofSeconds(5)).until(() -> !e.leading());
        await().atMost(Duration.ofSeconds(10)).until(e::leading);
        assertThat(changes).containsExactly(true, false, true);
        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("coordinator-a");
    }

    @Test
    void closingReleasesTheLease() {
        LeaderElection e = candidate("coordinator-a", new CopyOnWriteArrayList<>());
        await().atMost(Duration.ofSeconds(10)).until(e::leading);
        assertThat(lease().getSpec().getLeaseDurationSeconds()).isEqualTo(3);
        ZonedDateTime closing = ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);

        e.close();

        // fabric8's release: the Lease now runs out one second after the close instead of the full duration
        await().atMost(Duration.ofSeconds(5)).until(() -> lease().getSpec().getLeaseDurationSeconds() == 1);
        assertThat(lease().getSpec().getRenewTime()).isAfterOrEqualTo(closing);
        assertThat(e.leading()).isFalse();
    }
}
