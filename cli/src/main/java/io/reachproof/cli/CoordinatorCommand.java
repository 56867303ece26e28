package io.reachproof.cli;

import io.reachproof.coordinator.Coordinator;
import io.reachproof.coordinator.CoordinatorConfig;
import io.reachproof.coordinator.round.ExpectationFiles;
import io.reachproof.coordinator.round.LoadedExpectation;
import io.reachproof.coordinator.round.PolicyFiles;
import io.reachproof.coordinator.telemetry.Telemetry;
import io.reachproof.expectations.GoDuration;
import io.reachproof.policy.PolicyInput;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code reachproof coordinator --config FILE}: schedules probe rounds of the configured expectation sets,
 * serves the agent protocol (/v1) and the status API until stopped (SIGTERM / Ctrl-C). An invalid
 * configuration or expectation file exits 1 naming the key or FILE:LINE:COLUMN.
 */
@Command(name = "coordinator", description = "Run the coordinator: schedule probe rounds, serve the agent protocol and status API.")
final class CoordinatorCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "coordinator configuration (YAML or JSON): bind, port, tokens, expectations, policies, timings")
    Path config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (!Files.isRegularFile(config)) {
            throw new UserError(config + ": no such file");
        }
        CoordinatorConfig cfg;
        try {
            cfg = CoordinatorConfig.read(config);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        List<LoadedExpectation> sets;
        try {
            Optional<PolicyInput> policies = cfg.policyPaths().isEmpty() ? Optional.empty()
                    : Optional.of(PolicyFiles.load(cfg.policyPaths()));
            sets = PolicyFiles.attach(ExpectationFiles.load(cfg.expectationFiles()), policies, "set 'policies' in " + config);
        } catch (ExpectationFiles.InvalidExpectations e) {
            throw new UserError(e.problems(), Main.EXIT_FAILED);
        }
        Telemetry telemetry = TelemetryStartup.fromEnvironment();
        Coordinator coordinator = new Coordinator(cfg.settings(), sets, Clock.systemUTC());
        // telemetry's listener first: later listeners (rollback signals) see the trace id
        telemetry.install(coordinator);
        try {
            coordinator.start();
        } catch (InterruptedException e) {
            coordinator.close();
            telemetry.close();
            throw e;
        } catch (Exception e) {
            coordinator.close();
            telemetry.close();
            throw new UserError("cannot start the coordinator on " + cfg.settings().api().bindAddress() + ":"
                    + cfg.settings().api().port() + ": " + e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            coordinator.close();
            telemetry.close();
            stopped.countDown();
        }, "reachproof-coordinator-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.println("reachproof coordinator listening on " + coordinator.url());
        out.println("  " + TelemetryStartup.describe(telemetry, coordinator.url().toString()));
        for (LoadedExpectation e : sets) {
            out.println("  proving " + e.name() + " (" + e.cells().size() + " cells" + (e.policies().isPresent()
                    ? " + cells from " + e.policies().get().policies().size() + " NetworkPolicies" : "") + ") every "
                    + GoDuration.format(e.expectation().interval()));
        }
        out.flush();
        stopped.await();
        return Main.EXIT_OK;
    }
}
