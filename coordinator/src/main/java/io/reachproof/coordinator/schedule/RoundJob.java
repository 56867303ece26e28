package io.reachproof.coordinator.schedule;

import static java.util.Objects.requireNonNull;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one round of the expectation set named by the job's key and waits for it to close, so (with
 * {@code @DisallowConcurrentExecution}) rounds of a set never overlap. Thin: the work is the {@link RoundRunner}'s.
 */
@DisallowConcurrentExecution
final class RoundJob implements Job {

    private static final Logger LOG = LoggerFactory.getLogger(RoundJob.class);

    private final RoundRunner rounds;

    RoundJob(RoundRunner rounds) {
        this.rounds = requireNonNull(rounds, "rounds");
    }

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        String expectation = context.getJobDetail().getKey().getName();
        try {
            rounds.runAndWait(expectation);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.CancellationException stopping) {
            // the coordinator is stopping: the open round is given up, not failed
            LOG.debug("scheduled round of {} given up: the coordinator is stopping", expectation);
        } catch (RuntimeException e) {
            LOG.warn("scheduled round of {} failed", expectation, e);
        }
    }
}
