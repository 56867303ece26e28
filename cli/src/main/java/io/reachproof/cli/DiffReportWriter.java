package io.reachproof.cli;

import static io.reachproof.cli.CheckReportWriter.cell;
import static io.reachproof.cli.CheckReportWriter.count;
import static io.reachproof.cli.CheckReportWriter.xml;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.reachproof.policy.PolicyDiff.Change;
import io.reachproof.protocol.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Renders the reports of {@code reachproof diff}. Text, markdown and JUnit aggregate the changes by cluster,
 * namespace pair, port and change (with counts, a few example pods and the reason of the first); JSON lists every
 * changed cell.
 */
final class DiffReportWriter {

    /** How many example cells text and markdown show per aggregate. */
    static final int EXAMPLES = 3;

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private DiffReportWriter() {
    }

    static void write(List<DiffCommand.Report> reports, ReportFormat format, PrintWriter out) throws IOException {
        switch (format) {
            case json -> json(reports, out);
            case markdown -> markdown(reports, out);
            case junit -> junit(reports, out);
            default -> text(reports, out);
        }
    }

    /** The changes of one cluster from one namespace to another on one port, with the same before and after. */
    record Aggregate(String fromNamespace, String toNamespace, String port, String before, String after, List<Change> cells) {

        String title() {
            return fromNamespace + " -> " + toNamespace + " " + port + ": " + before + " -> " + after;
        }

        String examples() {
            StringBuilder s = new StringBuilder();
            cells.stream().limit(EXAMPLES).forEach(c -> s.append(s.length() == 0 ? "" : ", ").append(c.from()).append(" -> ")
                    .append(c.to()));
            if (cells.size() > EXAMPLES) {
                s.append(", ... and ").append(cells.size() - EXAMPLES).append(" more");
            }
            return s.toString();
        }
    }

    static List<Aggregate> aggregates(List<Change> changes) {
        Map<List<String>, List<Change>> groups = new LinkedHashMap<>();
        for (Change c : changes) {
            groups.computeIfAbsent(List.of(c.from().namespace(), c.to().namespace(), c.port().label(), spell(c.before()),
                    spell(c.after())), k -> new ArrayList<>()).add(c);
        }
        return groups.entrySet().stream().map(e -> new Aggregate(e.getKey().get(0), e.getKey().get(1), e.getKey().get(2),
                e.getKey().get(3), e.getKey().get(4), e.getValue())).toList();
    }

    /** {@code +3 allowed, -12 denied in 2 clusters; 1 expectation broken}. */
    static String summary(List<DiffCommand.Report> reports) {
        long opened = reports.stream().flatMap(r -> r.changes().stream()).filter(Change::opens).count();
        long closed = reports.stream().flatMap(r -> r.changes().stream()).filter(Change::closes).count();
        long removed = reports.stream().flatMap(r -> r.changes().stream()).filter(c -> c.after().isEmpty()).count();
        long clusters = reports.stream().filter(r -> !r.changes().isEmpty()).count();
        long broken = reports.stream().mapToLong(r -> r.broken().size()).sum();
        String changes = opened + closed + removed == 0
                ? "no cell changes in " + count(reports.size(), "cluster")
                : "+" + opened + " allowed, -" + closed + " denied" + (removed == 0 ? "" : ", " + removed + " gone")
                        + " in " + count(clusters, "cluster");
        return changes + "; " + count(broken, "expectation") + " broken";
    }

    private static void text(List<DiffCommand.Report> reports, PrintWriter out) {
        for (DiffCommand.Report report : reports) {
            out.println("cluster " + report.cluster() + ": " + count(report.changes().size(), "changed cell"));
            for (Aggregate a : aggregates(report.changes())) {
                out.println("  " + a.title() + ": " + count(a.cells().size(), "cell") + " (" + a.examples() + ")");
                out.println("    why: " + a.cells().get(0).explanation().reason());
            }
            report.broken().forEach(rule -> out.println("  broken: expectation rule " + rule));
        }
        out.println("diff: " + summary(reports));
    }

    private static void markdown(List<DiffCommand.Report> reports, PrintWriter out) {
        out.println("**reachproof diff**: " + summary(reports));
        for (DiffCommand.Report report : reports) {
            if (report.changes().isEmpty() && report.broken().isEmpty()) {
                continue;
            }
            out.println();
            out.println("### Cluster `" + report.cluster() + "`: " + count(report.changes().size(), "changed cell"));
            out.println();
            out.println("| from | to | port | change | cells | examples | why (first example) |");
            out.println("|---|---|---|---|---|---|---|");
            for (Aggregate a : aggregates(report.changes())) {
                out.println("| " + a.fromNamespace() + " | " + a.toNamespace() + " | " + a.port() + " | " + a.before()
                        + " &rarr; " + a.after() + " | " + a.cells().size() + " | " + cell(a.examples()) + " | "
                        + cell(a.cells().get(0).explanation().reason()) + " |");
            }
            if (!report.broken().isEmpty()) {
                out.println();
                report.broken().forEach(rule -> out.println("- broken expectation rule `" + rule + "`"));
            }
        }
    }

    private static void junit(List<DiffCommand.Report> reports, PrintWriter out) {
        out.println("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        out.println("<testsuites name=\"reachproof diff\">");
        for (DiffCommand.Report report : reports) {
            List<Aggregate> aggregates = aggregates(report.changes());
            out.println("  <testsuite name=\"" + xml(report.cluster()) + "\" tests=\"" + (aggregates.size() + report.broken().size())
                    + "\" failures=\"" + report.broken().size() + "\">");
            for (Aggregate a : aggregates) {
                out.println("    <testcase classname=\"" + xml(report.cluster()) + "\" name=\"" + xml(a.title()) + "\">"
                        + "<system-out>" + xml(count(a.cells().size(), "cell") + ": " + a.examples() + "\nwhy: "
                                + a.cells().get(0).explanation().reason()) + "</system-out></testcase>");
            }
            for (String rule : report.broken()) {
                out.println("    <testcase classname=\"" + xml(report.cluster()) + "\" name=\"expectation " + xml(rule)
                        + "\"><failure message=\"broken by the change\"/></testcase>");
            }
            out.println("  </testsuite>");
        }
        out.println("</testsuites>");
    }

    private static void json(List<DiffCommand.Report> reports, PrintWriter out) throws IOException {
        JsonGenerator json = JSON.createGenerator(out);
        json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        json.setRootValueSeparator(null);
        json.writeRaw("{\"changes\":[");
        boolean first = true;
        for (DiffCommand.Report report : reports) {
            for (Change c : report.changes()) {
                json.writeRaw(first ? "\n" : ",\n");
                first = false;
                json.writeStartObject();
                json.writeStringField("cluster", c.cluster());
                json.writeStringField("from", c.from().toString());
                json.writeStringField("to", c.to().toString());
                json.writeNumberField("port", c.port().port());
                json.writeStringField("protocol", c.port().protocol().spelling());
                json.writeStringField("before", spell(c.before()));
                json.writeStringField("after", spell(c.after()));
                json.writeStringField("reason", c.explanation().reason());
                json.writeEndObject();
            }
        }
        json.flush();
        out.println(first ? "]}" : "\n]}");
    }

    /** {@code allow}, {@code deny}, or {@code absent} for a cell one side does not have. */
    static String spell(Optional<Verdict> verdict) {
        return verdict.map(Verdict::spelling).orElse("absent");
    }
}
