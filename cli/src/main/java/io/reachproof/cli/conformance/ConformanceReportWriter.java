package io.reachproof.cli.conformance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reachproof.cli.dataplane.CniProfile;
import io.reachproof.expectations.GoDuration;
import java.util.Locale;
import java.util.stream.Collectors;

/** A conformance report as text (a table), JSON or Markdown. */
public final class ConformanceReportWriter {

    private ConformanceReportWriter() {
    }

    private static String profile(CniProfile p, ConformanceReport r) {
        return p.id() + (r.subject().lag().isZero() ? "" : " (" + GoDuration.format(r.subject().lag()) + ")");
    }

    /**
     * {@code lab cluster aws-lab (CNI profile reject: ...)} or {@code cluster prod-eu (from node n-1, in scratch
     * namespaces reachproof-conformance-1a2b3-*, deleted after)}; {@code code} quotes names (Markdown).
     */
    private static String title(ConformanceReport r, boolean code) {
        String q = code ? "`" : "";
        ConformanceReport.Subject s = r.subject();
        if (s.profile().isPresent()) {
            CniProfile p = s.profile().get();
            return "lab cluster " + q + s.cluster() + q + " (CNI profile " + q + profile(p, r) + q + ": "
                    + p.description() + ")";
        }
        ConformanceReport.RealCluster real = s.real().orElseThrow();
        return "cluster " + q + s.cluster() + q + " (from node " + q + real.node() + q + ", in scratch namespaces " + q
                + real.namespacePrefix() + "-*" + q + ", deleted after)";
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static String names(java.util.Set<Feature> features) {
        return features.isEmpty() ? "none" : features.stream().map(Feature::title).collect(Collectors.joining(", "));
    }

    /** {@code 12 features: 11 pass, 0 fail, 1 not supported}. */
    private static String counts(ConformanceReport r) {
        return r.features().size() + " features: " + count(r, FeatureStatus.PASS) + " pass, " + count(r, FeatureStatus.FAIL)
                + " fail, " + count(r, FeatureStatus.NOT_SUPPORTED) + " not supported";
    }

    private static long count(ConformanceReport r, FeatureStatus s) {
        return r.features().stream().filter(f -> f.status() == s).count();
    }

    private static String summary(ConformanceReport r) {
        String deviations = "deviations from the specification: " + names(r.failed());
        return r.subject().profile().map(p -> deviations + "\nprofile " + p.id() + " documents: "
                + names(r.documentedDeviations()) + " -> " + (r.asDocumented() ? "exactly as documented"
                : "NOT as documented")).orElse(deviations);
    }

    public static String text(ConformanceReport r) {
        StringBuilder b = new StringBuilder();
        b.append("conformance of ").append(title(r, false)).append('\n');
        b.append(counts(r)).append(", proved with real probes in ").append(seconds(r.durationMillis()))
                .append(" (rules landed after ").append(seconds(r.settleMillis()))
                .append(r.settled() ? "" : ", not all: some denies never came").append(")\n\n");
        b.append(String.format(Locale.ROOT, "%-20s %-14s %s%n", "FEATURE", "RESULT", "EVIDENCE"));
        for (FeatureResult f : r.features()) {
            b.append(String.format(Locale.ROOT, "%-20s %-14s %s%n", f.feature().title(), f.status().text(), f.evidence()));
        }
        b.append('\n').append(summary(r)).append('\n');
        return b.toString();
    }

    public static String markdown(ConformanceReport r) {
        StringBuilder b = new StringBuilder();
        b.append("### Conformance of ").append(title(r, true)).append("\n\n").append(counts(r))
                .append(", proved with real probes in ").append(seconds(r.durationMillis())).append(".\n\n");
        b.append("| feature | result | evidence |\n|---|---|---|\n");
        for (FeatureResult f : r.features()) {
            b.append("| ").append(f.feature().title()).append(" | ")
                    .append(f.status() == FeatureStatus.FAIL ? "**fail**" : f.status().text()).append(" | ")
                    .append(f.evidence().replace("|", "\\|")).append(" |\n");
        }
        b.append('\n').append(summary(r).replace("\n", "  \n")).append('\n');
        return b.toString();
    }

    public static String json(ConformanceReport r, ObjectMapper mapper) {
        ObjectNode root = mapper.createObjectNode();
        root.put("cluster", r.cluster());
        ConformanceReport.Subject subject = r.subject();
        if (subject.profile().isPresent()) {
            root.put("profile", subject.profile().get().id());
            root.put("lagMillis", subject.lag().toMillis());
        } else {
            root.putNull("profile");
        }
        subject.real().ifPresent(real -> {
            root.put("node", real.node());
            root.put("scratchNamespaces", real.namespacePrefix() + "-*");
        });
        root.put("durationMillis", r.durationMillis());
        root.put("settleMillis", r.settleMillis());
        root.put("settled", r.settled());
        ArrayNode features = root.putArray("features");
        for (FeatureResult f : r.features()) {
            ObjectNode n = features.addObject();
            n.put("feature", f.feature().id());
            n.put("title", f.feature().title());
            n.put("proves", f.feature().proves());
            n.put("status", f.status().text());
            n.put("evidence", f.evidence());
            ArrayNode cells = n.putArray("probes");
            for (CellObservation c : f.cells()) {
                ObjectNode cell = cells.addObject();
                cell.put("from", c.check().from());
                cell.put("to", c.check().to());
                cell.put("port", c.check().port());
                cell.put("protocol", c.check().protocol().name());
                cell.put("expected", c.check().allowed() ? "allow" : "deny");
                cell.put("outcome", c.outcome().name());
            }
        }
        ArrayNode failed = root.putArray("deviations");
        r.failed().forEach(f -> failed.add(f.id()));
        if (subject.profile().isPresent()) {
            ArrayNode documented = root.putArray("documentedDeviations");
            r.documentedDeviations().forEach(f -> documented.add(f.id()));
            root.put("asDocumented", r.asDocumented());
        }
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the report does not serialize: " + e.getMessage(), e);
        }
    }
}
