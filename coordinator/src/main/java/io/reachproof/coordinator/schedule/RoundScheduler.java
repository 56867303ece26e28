package io.reachproof.coordinator.schedule;

import static java.util.Objects.requireNonNull;

import io.reachproof.coordinator.round.LoadedExpectation;
import io.reachproof.coordinator.round.RoundService;
import io.reachproof.coordinator.store.StoreSettings;
import java.time.Duration;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.SimpleTrigger;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;

/**
 * Quartz runs one job per expectation set at the set's interval. Each set starts after a random jitter of up to a
 * tenth of its interval (at most {@code maxJitter}) so sets with the same interval do not fire together.
 *
 * <p>In memory (no proof record): a misfired round (the previous one ran long, or the machine slept) is skipped, not
 * caught up: the trigger moves to its next time with the remaining count.
 *
 * <p>Clustered (on the proof record's database, {@link #clustered}): Quartz's JDBC JobStore in clustered mode, with
 * its standard tables, so every replica shares one schedule. Only the leader's scheduler runs (the others stand by);
 * the jobs request recovery, so a round a dead leader was running is run again by the next leader's scheduler once
 * the dead one missed its check-in, and a round that fell due while no replica led fires once when the next leader
 * starts (never once per missed interval). A replica that starts finds the schedule there and keeps it (a changed
 * interval replaces it; a set its configuration no longer has is removed).
 */
public final class RoundScheduler implements RoundSchedule {

    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** The Quartz scheduler name every replica of a clustered schedule shares. */
    static final String CLUSTER_NAME = "reachproof-rounds";
    /** How often a clustered replica checks in; a leader silent for longer has its running rounds recovered. */
    static final Duration CHECKIN = Duration.ofSeconds(5);

    private final Scheduler scheduler;
    private final List<LoadedExpectation> expectations;
    private final Duration maxJitter;
    private final boolean clustered;
    private boolean scheduled;

    public RoundScheduler(RoundService rounds, List<LoadedExpectation> expectations, Duration maxJitter) {
        this(rounds::runAndWait, expectations, maxJitter, Optional.empty());
    }

    /**
     * @param clustered the proof record's database: the schedule is shared there by every replica (empty: in memory)
     */
    public RoundScheduler(RoundRunner rounds, List<LoadedExpectation> expectations, Duration maxJitter,
            Optional<StoreSettings> clustered) {
        requireNonNull(rounds, "rounds");
        this.expectations = List.copyOf(requireNonNull(expectations, "expectations"));
        this.maxJitter = requireNonNull(maxJitter, "maxJitter");
        this.clustered = clustered.isPresent();
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", String.valueOf(Math.max(1, Math.min(8, expectations.size()))));
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.jobStore.misfireThreshold", "1000");
        if (clustered.isEmpty()) {
            p.setProperty("org.quartz.scheduler.instanceName", "reachproof-rounds-" + INSTANCES.incrementAndGet());
            p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        } else {
            StoreSettings store = clustered.get();
            // one name for every replica: that is what makes them one cluster; the id tells them apart
            p.setProperty("org.quartz.scheduler.instanceName", CLUSTER_NAME);
            p.setProperty("org.quartz.scheduler.instanceId", "AUTO");
            p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
            p.setProperty("org.quartz.jobStore.driverDelegateClass", store.url().startsWith("jdbc:postgresql:")
                    ? "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate" : "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
            p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
            p.setProperty("org.quartz.jobStore.isClustered", "true");
            p.setProperty("org.quartz.jobStore.clusterCheckinInterval", String.valueOf(CHECKIN.toMillis()));
            p.setProperty("org.quartz.jobStore.dataSource", "record");
            p.setProperty("org.quartz.dataSource.record.connectionProvider.class", StoreConnections.class.getName());
            p.setProperty("org.quartz.dataSource.record.url", store.url());
            store.user().ifPresent(u -> p.setProperty("org.quartz.dataSource.record.user", u));
            store.password().ifPresent(pw -> p.setProperty("org.quartz.dataSource.record.password", pw));
        }
        try {
            StdSchedulerFactory factory = new StdSchedulerFactory(p);
            synchronized (RoundScheduler.class) {
                this.scheduler = factory.getScheduler();
                // Quartz keeps one scheduler per name in a JVM; the clustered name is shared, so each is taken out
                // of that registry at once (this class holds its own, and two replicas may share a JVM in tests)
                SchedulerRepository.getInstance().remove(scheduler.getSchedulerName());
            }
            this.scheduler.setJobFactory(new RoundJobFactory(rounds));
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot create the round scheduler"
                    + clustered.map(s -> " on the store " + s.url()).orElse("") + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void start() {
        try {
            if (scheduled) {
                scheduler.start();
                return;
            }
            scheduled = true;
            for (LoadedExpectation e : expectations) {
                long interval = e.expectation().interval().toMillis();
                long jitter = Math.min(maxJitter.toMillis(), interval / 10);
                long offset = jitter <= 0 ? 0 : ThreadLocalRandom.current().nextLong(jitter + 1);
                JobDetail job = JobBuilder.newJob(RoundJob.class).withIdentity(e.name(), "rounds")
                        .requestRecovery(clustered).build();
                SimpleScheduleBuilder every = SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(interval)
                        .repeatForever();
                Trigger trigger = TriggerBuilder.newTrigger()
                        .withIdentity(e.name(), "rounds")
                        .startAt(new Date(System.currentTimeMillis() + offset))
                        .withSchedule(clustered ? every.withMisfireHandlingInstructionNowWithRemainingCount()
                                : every.withMisfireHandlingInstructionNextWithRemainingCount())
                        .build();
                if (clustered && sameSchedule(trigger.getKey(), interval)) {
                    continue; // another replica scheduled it: its times go on
                }
                scheduler.scheduleJob(job, Set.of(trigger), true);
            }
            if (clustered) {
                // sets the shared schedule has and this configuration does not (an older configuration's) are gone
                Set<String> names = new HashSet<>();
                expectations.forEach(e -> names.add(e.name()));
                for (JobKey key : scheduler.getJobKeys(GroupMatcher.jobGroupEquals("rounds"))) {
                    if (!names.contains(key.getName())) {
                        scheduler.deleteJob(key);
                    }
                }
            }
            scheduler.start();
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot start the round scheduler", e);
        }
    }

    /** The Quartz scheduler (tests look at its triggers). */
    Scheduler quartz() {
        return scheduler;
    }

    /** Whether the shared schedule already has {@code key} at {@code interval}. */
    private boolean sameSchedule(TriggerKey key, long interval) throws SchedulerException {
        return scheduler.getTrigger(key) instanceof SimpleTrigger t && t.getRepeatInterval() == interval;
    }

    /** Quartz standby: no trigger fires until {@link #start()}; triggers missed meanwhile are skipped. */
    @Override
    public synchronized void standby() {
        try {
            scheduler.standby();
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot pause the round scheduler", e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            scheduler.shutdown(false);
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot stop the round scheduler", e);
        }
    }
}
