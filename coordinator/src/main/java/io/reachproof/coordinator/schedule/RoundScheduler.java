package io.reachproof.coordinator.schedule;

import static java.util.Objects.requireNonNull;

import io.reachproof.coordinator.round.LoadedExpectation;
import io.reachproof.coordinator.round.RoundService;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

/**
 * Quartz (in memory) runs one job per expectation set at the set's interval. Each set starts after a
 * random jitter of up to a tenth of its interval (at most {@code maxJitter}) so sets with the same
 * interval do not fire together. A misfired round (the previous one ran long, or the machine slept) is
 * skipped, not caught up: the trigger moves to its next time with the remaining count.
 */
public final class RoundScheduler implements RoundSchedule {

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Scheduler scheduler;
    private final List<LoadedExpectation> expectations;
    private final Duration maxJitter;
    private boolean scheduled;

    public RoundScheduler(RoundService rounds, List<LoadedExpectation> expectations, Duration maxJitter) {
        requireNonNull(rounds, "rounds");
        this.expectations = List.copyOf(requireNonNull(expectations, "expectations"));
        this.maxJitter = requireNonNull(maxJitter, "maxJitter");
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "reachproof-rounds-" + INSTANCES.incrementAndGet());
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", String.valueOf(Math.max(1, Math.min(8, expectations.size()))));
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        p.setProperty("org.quartz.jobStore.misfireThreshold", "1000");
        try {
            this.scheduler = new StdSchedulerFactory(p).getScheduler();
            this.scheduler.setJobFactory(new RoundJobFactory(rounds));
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot create the round scheduler", e);
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
                JobDetail job = JobBuilder.newJob(RoundJob.class).withIdentity(e.name(), "rounds").build();
                Trigger trigger = TriggerBuilder.newTrigger()
                        .withIdentity(e.name(), "rounds")
                        .startAt(new Date(System.currentTimeMillis() + offset))
                        .withSchedule(SimpleScheduleBuilder.simpleSchedule()
                                .withIntervalInMilliseconds(interval)
                                .repeatForever()
                                .withMisfireHandlingInstructionNextWithRemainingCount())
                        .build();
                scheduler.scheduleJob(job, trigger);
            }
            scheduler.start();
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot start the round scheduler", e);
        }
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
