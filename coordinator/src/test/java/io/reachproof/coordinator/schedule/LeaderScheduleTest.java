package io.reachproof.coordinator.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeaderScheduleTest {

    /** Records what the switch does to the schedule. */
    private static final class FakeSchedule implements RoundSchedule {
        final List<String> calls = new ArrayList<>();

        @Override
        public void start() {
            calls.add("start");
        }

        @Override
        public void standby() {
            calls.add("standby");
        }

        @Override
        public void close() {
            calls.add("close");
        }
    }

    private final FakeSchedule fake = new FakeSchedule();
    private int created;

    private LeaderSchedule schedule(boolean leading) {
        return new LeaderSchedule(() -> {
            created++;
            return fake;
        }, leading);
    }

    @Test
    void aLeaderStartsTheScheduleWhenRoundsAreWanted() {
        LeaderSchedule s = schedule(true);

        s.want();

        assertThat(fake.calls).containsExactly("start");
        assertThat(s.running()).isTrue();
    }

    @Test
    void aStandbyCreatesNoScheduleUntilItLeads() {
        LeaderSchedule s = schedule(false);
        s.want();

        assertThat(created).isZero();
        assertThat(s.running()).isFalse();

        s.leading(true);

        assertThat(created).isEqualTo(1);
        assertThat(fake.calls).containsExactly("start");
    }

    @Test
    void losingLeadershipHoldsTheScheduleAndRegainingResumesTheSameOne() {
        LeaderSchedule s = schedule(true);
        s.want();

        s.leading(false);
        assertThat(s.running()).isFalse();
        s.leading(true);

        assertThat(created).isEqualTo(1);
        assertThat(fake.calls).containsExactly("start", "standby", "start");
        assertThat(s.running()).isTrue();
    }

    @Test
    void repeatedNewsOfTheSameLeadershipChangesNothing() {
        LeaderSchedule s = schedule(true);
        s.want();
        s.leading(true);
        s.want();
        s.leading(false);
        s.leading(false);

        assertThat(fake.calls).containsExactly("start", "standby");
    }

    @Test
    void leadershipWithoutWantedRoundsStartsNothing() {
        LeaderSchedule s = schedule(false);

        s.leading(true);

        assertThat(created).isZero();
        assertThat(s.running()).isFalse();
    }

    @Test
    void afterCloseLeadershipChangesNothing() {
        LeaderSchedule s = schedule(true);
        s.want();
        s.close();

        s.leading(false);
        s.leading(true);

        assertThat(fake.calls).containsExactly("start", "close");
        assertThat(s.running()).isFalse();
    }
}
