package io.reachproof.coordinator.schedule;

import static java.util.Objects.requireNonNull;

import org.quartz.Job;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.spi.JobFactory;
import org.quartz.spi.TriggerFiredBundle;

/** Builds {@link RoundJob}s with their service, instead of Quartz's reflective no-argument construction. */
final class RoundJobFactory implements JobFactory {

    private final RoundRunner rounds;

    RoundJobFactory(RoundRunner rounds) {
        this.rounds = requireNonNull(rounds, "rounds");
    }

    @Override
    public Job newJob(TriggerFiredBundle bundle, Scheduler scheduler) throws SchedulerException {
        Class<? extends Job> type = bundle.getJobDetail().getJobClass();
        if (type != RoundJob.class) {
            throw new SchedulerException("no factory for job class " + type.getName());
        }
        return new RoundJob(rounds);
    }
}
