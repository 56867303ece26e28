package io.reachproof.coordinator.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.reachproof.coordinator.LabExpectation;
import io.reachproof.coordinator.round.LoadedExpectation;
import io.reachproof.coordinator.store.JdbcStore;
import io.reachproof.coordinator.store.StoreSettings;
import io.reachproof.coordinator.store.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quartz.Trigger;
import org.quartz.TriggerKey;

/**
 * Two replicas' round schedules on one real PostgreSQL (Quartz's clustered JDBC JobStore on the proof record's
 * tables): a round fires on one replica only, and a round a dead replica was running is run again by the other.
 */
class ClusteredRoundScheduleIT {

    private static TestPostgres pg;
    private final List<RoundScheduler> started = new ArrayList<>();
    private final CountDownLatch never = new CountDownLatch(1);

    /** One round run: by which replica, when it started and ended. */
    private record Run(String replica, long startMillis, long endMillis) {
    }

    private final List<Run> runs = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void startPostgres() {
        pg = TestPostgres.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    @BeforeEach
    void migratedEmptySchema() throws Exception {
        pg.emptySchema();
        JdbcStore.open(pg.settings()).close();
    }

    @AfterEach
    void stopReplicas() {
        never.countDown();
        started.forEach(RoundScheduler::close);
    }

    private RoundScheduler replica(String name, List<LoadedExpectation> sets, RoundRunner runner) {
        RoundScheduler s = new RoundScheduler(runner, sets, Duration.ZERO, Optional.of(pg.settings()));
        started.add(s);
        return s;
    }

    /** A round of {@code millis}, recorded as {@code replica}'s. */
    private RoundRunner rounds(String replica, long millis) {
        return expectation -> {
            long start = System.currentTimeMillis();
            Thread.sleep(millis);
            runs.add(new Run(replica, start, System.currentTimeMillis()));
            return null;
        };
    }

    @Test
    void twoRunningReplicasShareOneScheduleEachRoundFiresOnOneOfThemOnly() throws Exception {
        List<LoadedExpectation> sets = List.of(LabExpectation.loaded("lab", Duration.ofSeconds(1)));
        replica("a", sets, rounds("a", 200)).start();
        replica("b", sets, rounds("b", 200)).start();
        long t0 = System.currentTimeMillis();

        Thread.sleep(6_000);

        List<Run> seen;
        synchronized (runs) {
            seen = new ArrayList<>(runs);
        }
        long span = System.currentTimeMillis() - t0;
        assertThat(seen.size()).as("one round a second over %d ms between two replicas, not two", span)
                .isBetween(4, (int) (span / 1000) + 1);
        seen.sort((x, y) -> Long.compare(x.startMillis(), y.startMillis()));
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i).startMillis()).as("rounds of a set never overlap, whichever replica runs them")
                    .isGreaterThanOrEqualTo(seen.get(i - 1).endMillis());
        }
    }

    @Test
    void aRoundADeadReplicaWasRunningIsRunOnceByTheNextLeaderAndTheScheduleGoesOn() throws Exception {
        // an hour apart: within the test the schedule fires once, at start; any other round is a recovery
        List<LoadedExpectation> sets = List.of(LabExpectation.loaded("lab", Duration.ofHours(1)));
        AtomicInteger aStarted = new AtomicInteger();
        RoundScheduler a = replica("a", sets, expectation -> {
            aStarted.incrementAndGet();
            never.await(); // the replica dies in the middle of this round
            return null;
        });
        a.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> aStarted.get() == 1);
        TriggerKey key = TriggerKey.triggerKey("lab", "rounds");
        Trigger before = a.quartz().getTrigger(key);
        a.close(); // no more check-ins: to the cluster, replica a is dead with its round running

        RoundScheduler b = replica("b", sets, rounds("b", 100));
        b.start();

        await().atMost(Duration.ofSeconds(30)).until(() -> runs.size() == 1);
        Thread.sleep(3 * RoundScheduler.CHECKIN.toMillis());
        assertThat(runs).as("the dead replica's round, run once by b").singleElement()
                .satisfies(r -> assertThat(r.replica()).isEqualTo("b"));
        Trigger after = b.quartz().getTrigger(key);
        assertThat(after.getNextFireTime()).as("b kept the shared schedule, it did not schedule the set anew")
                .isEqualTo(before.getNextFireTime());
    }

    @Test
    void aReplicaWithAnotherConfigurationTakesOverTheScheduleWithItsOwnSets() throws Exception {
        RoundScheduler old = replica("old", List.of(LabExpectation.loaded("gone", Duration.ofHours(1))), rounds("old", 10));
        old.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.size() == 1);
        old.close();

        RoundScheduler next = replica("next", List.of(LabExpectation.loaded("lab", Duration.ofHours(1))), rounds("next", 10));
        next.start();

        assertThat(next.quartz().getJobKeys(org.quartz.impl.matchers.GroupMatcher.jobGroupEquals("rounds")))
                .extracting(org.quartz.JobKey::getName).containsExactly("lab");
    }
}
