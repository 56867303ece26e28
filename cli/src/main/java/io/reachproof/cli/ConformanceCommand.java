package io.reachproof.cli;

import io.reachproof.cli.conformance.ConformanceReport;
import io.reachproof.cli.conformance.ConformanceReportWriter;
import io.reachproof.cli.conformance.ConformanceRun;
import io.reachproof.cli.dataplane.DataplaneException;
import io.reachproof.cli.dataplane.DataplaneLab;
import io.reachproof.cli.dataplane.LabClustersFile;
import io.reachproof.cli.dataplane.Shell;
import io.reachproof.protocol.Json;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code reachproof conformance --cluster C}: how a cluster's CNI enforces NetworkPolicies, feature by feature, proved
 * with real probes ({@link ConformanceRun}). Lab clusters only, for now: the suite runs on a cluster of network
 * namespaces whose enforcer reads the policies as that lab cluster's CNI profile does.
 */
@Command(name = "conformance", description = "Prove, feature by feature, how a cluster's CNI enforces NetworkPolicies"
        + " (ingress, egress, selectors, named ports, endPort, ipBlock, UDP, SCTP, deny as drop, enforcement delay):"
        + " pass / fail / not supported with the observed evidence. Lab clusters only (needs root, ip and nft).")
final class ConformanceCommand implements Callable<Integer> {

    @Option(names = "--cluster", required = true, paramLabel = "C", description = "the lab cluster to prove (default lab:"
            + " aws-lab, azure-lab, gcp-lab; or one of --clusters FILE)")
    String cluster;

    @Option(names = "--clusters", paramLabel = "FILE", description = "the lab's clusters and their CNI profiles, as"
            + " lab --clusters takes them (default: the default lab's)")
    Path clusters;

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
            description = "text (default), json or markdown")
    String format;

    @Option(names = "--lab-dir", paramLabel = "DIR", description = "where the suite cluster's kubeconfig is written"
            + " (default: the temporary directory's reachproof-conformance)")
    Path labDir;

    @Option(names = "--netns-prefix", hidden = true, defaultValue = "rpconf",
            description = "what the suite's network namespace names start with (tests use their own)")
    String netnsPrefix;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        if (!List.of("text", "json", "markdown").contains(format)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format must be text, json or markdown: " + format);
        }
        List<DataplaneLab.LabCluster> lab = labClusters();
        Optional<DataplaneLab.LabCluster> chosen = lab.stream().filter(c -> c.name().equals(cluster)).findFirst();
        if (chosen.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--cluster " + cluster + ": only lab clusters are"
                    + " supported yet (" + lab.stream().map(DataplaneLab.LabCluster::name).collect(Collectors.joining(", "))
                    + "); proving a real cluster (workload mode in a scratch namespace) is not built yet");
        }
        Optional<String> missing = Shell.whyNoDataplane();
        if (missing.isPresent()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "conformance on a lab cluster " + missing.get());
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("conformance: building lab cluster " + cluster + " (CNI profile " + chosen.get().describeProfile()
                + ") and proving " + io.reachproof.cli.conformance.Feature.values().length + " features ...");
        err.flush();
        Path dir = labDir != null ? labDir : Path.of(System.getProperty("java.io.tmpdir"), "reachproof-conformance");
        ConformanceReport report;
        try {
            report = ConformanceRun.run(ConformanceRun.Settings.of(chosen.get(), netnsPrefix, dir));
        } catch (DataplaneException e) {
            throw new UserError("conformance: the lab cluster could not be built: " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(switch (format) {
            case "json" -> ConformanceReportWriter.json(report, Json.mapper()) + "\n";
            case "markdown" -> ConformanceReportWriter.markdown(report);
            default -> ConformanceReportWriter.text(report);
        });
        out.flush();
        return report.failed().isEmpty() ? Main.EXIT_OK : Main.EXIT_FAILED;
    }

    private List<DataplaneLab.LabCluster> labClusters() {
        if (clusters == null) {
            return DataplaneLab.CLUSTERS;
        }
        if (!Files.isRegularFile(clusters)) {
            throw new UserError(clusters + ": no such file");
        }
        try {
            return LabClustersFile.read(clusters);
        } catch (LabClustersFile.Invalid e) {
            throw new UserError(e.lines(), Main.EXIT_FAILED);
        }
    }
}
