package io.reachproof.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.reachproof.agent.Transport;
import io.reachproof.agent.control.AgentRuntime;
import io.reachproof.agent.control.NettyAgentRuntime;
import io.reachproof.coordinator.assembly.AssemblySettings;
import io.reachproof.coordinator.assembly.CoordinatorAssembly;
import io.reachproof.coordinator.assembly.StartFailure;
import io.reachproof.coordinator.api.GateRoute;
import io.reachproof.coordinator.lab.LabFleet;
import io.reachproof.coordinator.rollback.WebhookConfig;
import io.reachproof.coordinator.round.ExpectationFiles;
import io.reachproof.coordinator.round.InvalidFiles;
import io.reachproof.coordinator.round.LoadedExpectation;
import io.reachproof.coordinator.round.PoliciesInForce;
import io.reachproof.coordinator.round.PolicyFiles;
import io.reachproof.coordinator.round.RoundListener;
import io.reachproof.expectations.GoDuration;
import io.reachproof.policy.PolicyInput;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.RoundReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code reachproof lab}: a coordinator and N agents on this machine (loopback addresses 127.0.X.Y posing as
 * three clusters in three clouds) proving the lab expectations, with a live table per round. The lab
 * expectations expect frontend -> payments 7001/TCP to be denied, and nothing on loopback enforces that:
 * the table shows it as a HOLE.
 */
@Command(name = "lab", description = "Run a coordinator and a fleet of agents on this machine (loopback 127.0.X.Y,"
        + " three clusters in three clouds) and show each probe round as a table: group x group, cluster x cluster,"
        + " and every mismatch.")
final class LabCommand implements Callable<Integer> {

    static final String LAB_RESOURCE = "/lab/lab.yaml";
    static final String LAB_FILE = "expectations/examples/lab.yaml";
    private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
    private static final String CLEAR_SCREEN = "\033[H\033[2J";

    @Option(names = "--agents", defaultValue = "9", paramLabel = "N",
            description = "agents in the fleet (default ${DEFAULT-VALUE}); agent i: cluster i%%3, role (i/3)%%3")
    int agents;

    @Option(names = "--port", defaultValue = "7070", paramLabel = "P", description = "coordinator port (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--expectations", paramLabel = "FILE",
            description = "expectation file written against the lab fleet (default: " + LAB_FILE + ")")
    Path expectations;

    @Option(names = "--policies", paramLabel = "PATH",
            description = "NetworkPolicy files or directories that expectations with spec.fromPolicies derive their verdicts from")
    List<Path> policies;

    @Option(names = "--duration", paramLabel = "D", description = "stop after D (e.g. 30s, 2m); default: until Ctrl-C (20s with --json)")
    String duration;

    @Option(names = "--json", description = "print the last round report as JSON at the end (the table goes to stderr);"
            + " exit 1 when it has mismatches")
    boolean json;

    @Mixin
    WebhookOption webhook;

    @Option(names = "--loopback-net", hidden = true, defaultValue = LabFleet.DEFAULT_NET,
            description = "first two octets of the agents' addresses (tests use their own)")
    String net;

    @Spec
    CommandSpec spec;

    private final Function<AgentIdentity, AgentRuntime> runtimes;

    LabCommand() {
        this(LabCommand::nettyAgent);
    }

    /** A lab agent: its responders on its own loopback address, one event loop and 64 probes at once. */
    static AgentRuntime nettyAgent(AgentIdentity identity) {
        return NettyAgentRuntime.start(identity, identity.addresses().get(0), Transport.detect(), 1, 64);
    }

    LabCommand(Function<AgentIdentity, AgentRuntime> runtimes) {
        this.runtimes = runtimes;
    }

    @Override
    public Integer call() throws Exception {
        // the table is the lab's output: keep the coordinator's and agents' per-round logs out of it
        if (System.getProperty(LOG_LEVEL) == null) {
            System.setProperty(LOG_LEVEL, "warn");
        }
        if (agents < 1 || agents > 500) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--agents must be in 1..500 (each agent is a full agent with its own threads): " + agents);
        }
        if (port < 1 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must be in 1..65535: " + port);
        }
        Duration runFor = duration == null ? (json ? Duration.ofSeconds(20) : null)
                : GoDuration.parse(duration).filter(d -> !d.isZero()).orElseThrow(() -> new CommandLine.ParameterException(
                        spec.commandLine(), "--duration must be a duration such as 30s or 2m: " + duration));
        Optional<WebhookConfig> hook = webhook.config(System.getenv());
        List<LoadedExpectation> sets = load();
        PrintWriter table = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
        boolean live = !json && System.console() != null && !"dumb".equals(System.getenv("TERM"));
        AtomicReference<RoundReport> last = new AtomicReference<>();
        AtomicReference<String> header = new AtomicReference<>("");
        if (!net.matches("127\\.\\d{1,3}")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--loopback-net must be 127.N: " + net);
        }
        RoundListener show = report -> {
            last.set(report);
            synchronized (table) {
                // on a terminal the table is redrawn in place; piped, rounds follow one another
                table.print(live ? CLEAR_SCREEN + header.get() : "");
                table.println(LabTable.render(report));
                table.flush();
            }
            return report;
        };
        AssemblySettings settings = AssemblySettings.of(Lab.settings(port), sets).withWebhook(hook)
                .withListeners(List.of(show));
        table.println("reachproof lab: starting a coordinator and " + agents + " agents on loopback ...");
        table.flush();
        try (CoordinatorAssembly assembly = start(settings)) {
            assembly.closeOnShutdown();
            try {
                Lab.startAround(assembly, agents, net, runtimes);
            } catch (IllegalStateException e) {
                throw new UserError("the lab could not start: " + e.getMessage());
            }
            URI url = assembly.url();
            header.set("coordinator: " + url + "  (reachability page " + url
                    + "/, JSON: /v1/rounds/latest, /v1/matrix, /v1/agents)\n"
                    + "fleet: " + agents + " agents in aws-lab, gcp-lab, azure-lab; proving "
                    + String.join(", ", sets.stream().map(s -> s.name() + " every " + GoDuration.format(s.expectation().interval())).toList())
                    + (runFor == null ? "; Ctrl-C to stop" : "; stopping after " + GoDuration.format(runFor)) + "\n"
                    + TelemetryStartup.describe(assembly.telemetry(), url.toString()) + "\n"
                    + "gate: " + url + GateRoute.PATH + "?expectation=" + sets.get(0).name()
                    + (webhook.url == null ? "" : "; rollback signals to " + webhook.url) + "\n\n");
            synchronized (table) {
                table.print(header.get());
                table.flush();
            }
            if (runFor == null) {
                assembly.awaitClosed();
            } else if (!assembly.awaitClosed(runFor)) {
                assembly.drainSignals(Duration.ofSeconds(5));
            }
        }
        return finish(last.get());
    }

    /** The started coordinator; the port taken or another part that cannot start exits 1 naming it. */
    private CoordinatorAssembly start(AssemblySettings settings) throws InterruptedException {
        try {
            return CoordinatorAssembly.start(settings);
        } catch (StartFailure e) {
            if (e.getCause() instanceof BindException bind) {
                throw new UserError("cannot listen on 127.0.0.1:" + port + " (" + bind.getMessage() + "); choose another --port");
            }
            throw new UserError(e.getMessage());
        }
    }

    private int finish(RoundReport report) throws JsonProcessingException {
        if (!json) {
            return Main.EXIT_OK;
        }
        if (report == null) {
            throw new UserError("no round finished before the lab stopped; give it a longer --duration");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
        out.flush();
        return report.mismatches().isEmpty() ? Main.EXIT_OK : Main.EXIT_FAILED;
    }

    private List<LoadedExpectation> load() throws IOException {
        try {
            Optional<PolicyInput> policyInput = policies == null || policies.isEmpty() ? Optional.empty()
                    : Optional.of(PolicyFiles.load(policies));
            return PolicyFiles.attach(expectationSets(), PoliciesInForce.of(policyInput, List.of()),
                    "give them with --policies PATH");
        } catch (InvalidFiles e) {
            throw new UserError(e.problems(), Main.EXIT_FAILED);
        }
    }

    private List<LoadedExpectation> expectationSets() throws IOException, ExpectationFiles.InvalidExpectations {
        if (expectations != null) {
            if (!Files.isRegularFile(expectations)) {
                throw new UserError(expectations + ": no such file");
            }
            return ExpectationFiles.load(List.of(expectations));
        }
        try (InputStream in = LabCommand.class.getResourceAsStream(LAB_RESOURCE)) {
            if (in == null) {
                throw new UserError("the lab expectations are missing from this build (" + LAB_RESOURCE + ")");
            }
            return ExpectationFiles.load(LAB_FILE, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
