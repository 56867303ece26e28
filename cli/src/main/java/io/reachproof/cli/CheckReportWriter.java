package io.reachproof.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.reachproof.policy.PolicyCheck;
import io.reachproof.policy.PolicyCheck.Violation;
import io.reachproof.protocol.MismatchKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Renders the reports of {@code reachproof check}. Text, markdown and JUnit group the violations by cluster,
 * group pair, port and expectation rule with a few example cells; JSON lists every violation.
 */
final class CheckReportWriter {

    /** How many example cells text and markdown show per group of violations. */
    static final int EXAMPLES = 5;

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private CheckReportWriter() {
    }

    static void write(List<PolicyCheck.Report> reports, ReportFormat format, PrintWriter out) throws IOException {
        switch (format) {
            case json -> json(reports, out);
            case markdown -> markdown(reports, out);
            case junit -> junit(reports, out);
            default -> text(reports, out);
        }
    }

    /** The violations of one report that break one rule for one group pair and port. */
    record Finding(String cluster, String expectation, String fromGroup, String toGroup, String port, MismatchKind kind,
            String rule, List<Violation> cells) {

        String title() {
            return fromGroup + " -> " + toGroup + " " + port + ": " + kind.spelling() + ", expected "
                    + cells.get(0).expected().spelling() + " (" + expectation + ", " + rule + ")";
        }
    }

    static List<Finding> findings(PolicyCheck.Report report) {
        Map<List<Object>, List<Violation>> groups = new LinkedHashMap<>();
        for (Violation v : report.violations()) {
            groups.computeIfAbsent(List.of(v.expectation(), v.fromGroup(), v.toGroup(), v.port().label(), v.kind(),
                    v.rule().fileLine()), k -> new ArrayList<>()).add(v);
        }
        return groups.entrySet().stream().map(e -> {
            Violation first = e.getValue().get(0);
            return new Finding(report.cluster(), first.expectation(), first.fromGroup(), first.toGroup(),
                    first.port().label(), first.kind(), first.rule().fileLine(), e.getValue());
        }).toList();
    }

    /** {@code 2 violations (1 HOLE, 1 BLOCKED) in 1 cluster; 1 warning} or {@code all expectations hold ...}. */
    static String summary(List<PolicyCheck.Report> reports) {
        long holes = reports.stream().flatMap(r -> r.violations().stream()).filter(v -> v.kind() == MismatchKind.HOLE).count();
        long blocked = reports.stream().mapToLong(r -> r.violations().size()).sum() - holes;
        long clusters = reports.stream().filter(r -> !r.violations().isEmpty()).count();
        long warnings = reports.stream().mapToLong(r -> r.warnings().size()).sum();
        long cells = reports.stream().mapToLong(PolicyCheck.Report::cells).sum();
        String head = holes + blocked == 0
                ? "all expectations hold: " + count(cells, "cell") + " checked in " + count(reports.size(), "cluster")
                : count(holes + blocked, "violation") + " (" + holes + " HOLE, " + blocked + " BLOCKED) in "
                        + count(clusters, "cluster");
        return head + "; " + count(warnings, "warning");
    }

    private static void text(List<PolicyCheck.Report> reports, PrintWriter out) {
        for (PolicyCheck.Report report : reports) {
            out.println("cluster " + report.cluster() + ": " + count(report.violations().size(), "violation") + ", "
                    + count(report.warnings().size(), "warning") + " (" + count(report.cells(), "cell") + " checked)");
            for (Finding f : findings(report)) {
                out.println("  " + f.title() + ": " + count(f.cells().size(), "cell"));
                examples(f, v -> out.println("    " + v.from() + " -> " + v.to() + ": " + v.explanation().reason()),
                        more -> out.println("    ... and " + more + " more"));
            }
            report.warnings().forEach(w -> out.println("  warning: " + w));
        }
        out.println("check: " + summary(reports));
    }

    private static void markdown(List<PolicyCheck.Report> reports, PrintWriter out) {
        out.println("**reachproof check**: " + summary(reports));
        for (PolicyCheck.Report report : reports) {
            if (report.violations().isEmpty() && report.warnings().isEmpty()) {
                continue;
            }
            out.println();
            out.println("### Cluster `" + report.cluster() + "`");
            List<Finding> findings = findings(report);
            if (!findings.isEmpty()) {
                out.println();
                out.println("| kind | from -> to | port | expected | cells | rule | examples and why |");
                out.println("|---|---|---|---|---|---|---|");
                for (Finding f : findings) {
                    StringBuilder why = new StringBuilder();
                    examples(f, v -> why.append(why.length() == 0 ? "" : "<br>").append('`').append(v.from()).append(" -> ")
                            .append(v.to()).append("`: ").append(cell(v.explanation().reason())),
                            more -> why.append("<br>... and ").append(more).append(" more"));
                    out.println("| " + f.kind().spelling() + " | " + f.fromGroup() + " -> " + f.toGroup() + " | " + f.port()
                            + " | " + f.cells().get(0).expected().spelling() + " | " + f.cells().size() + " | `" + f.rule()
                            + "` | " + why + " |");
                }
            }
            for (PolicyCheck.Warning w : report.warnings()) {
                out.println();
                out.println("> warning: `" + w.rule().fileLine() + "` " + cell(w.expectation() + ": " + w.message()));
            }
        }
    }

    private static void junit(List<PolicyCheck.Report> reports, PrintWriter out) {
        out.println("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        out.println("<testsuites name=\"reachproof check\">");
        for (PolicyCheck.Report report : reports) {
            List<Finding> findings = findings(report);
            out.println("  <testsuite name=\"" + xml(report.cluster()) + "\" tests=\"" + (findings.size() + report.warnings().size() + 1)
                    + "\" failures=\"" + findings.size() + "\" skipped=\"" + report.warnings().size() + "\">");
            for (Finding f : findings) {
                StringBuilder body = new StringBuilder();
                f.cells().forEach(v -> body.append(v.from()).append(" -> ").append(v.to()).append(": ")
                        .append(v.explanation().reason()).append('\n'));
                out.println("    <testcase classname=\"" + xml(report.cluster() + "." + f.expectation()) + "\" name=\""
                        + xml(f.fromGroup() + " -> " + f.toGroup() + " " + f.port() + " (" + f.rule() + ")") + "\">");
                out.println("      <failure type=\"" + f.kind().spelling() + "\" message=\"" + xml(f.title() + ": "
                        + count(f.cells().size(), "cell")) + "\">" + xml(body.toString()) + "</failure>");
                out.println("    </testcase>");
            }
            for (PolicyCheck.Warning w : report.warnings()) {
                out.println("    <testcase classname=\"" + xml(report.cluster() + "." + w.expectation()) + "\" name=\""
                        + xml(w.rule().fileLine()) + "\"><skipped message=\"" + xml(w.message()) + "\"/></testcase>");
            }
            out.println("    <testcase classname=\"" + xml(report.cluster()) + "\" name=\"" + xml(count(report.cells(), "cell")
                    + " checked") + "\"/>");
            out.println("  </testsuite>");
        }
        out.println("</testsuites>");
    }

    private static void json(List<PolicyCheck.Report> reports, PrintWriter out) throws IOException {
        JsonGenerator json = JSON.createGenerator(out);
        json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        json.writeStartObject();
        json.writeArrayFieldStart("violations");
        for (PolicyCheck.Report report : reports) {
            for (Violation v : report.violations()) {
                json.writeStartObject();
                json.writeStringField("cluster", v.cluster());
                json.writeStringField("from", v.from().toString());
                json.writeStringField("to", v.to().toString());
                json.writeNumberField("port", v.port().port());
                json.writeStringField("protocol", v.port().protocol().spelling());
                json.writeStringField("expected", v.expected().spelling());
                json.writeStringField("predicted", v.predicted().spelling());
                json.writeStringField("kind", v.kind().spelling());
                json.writeStringField("rule", v.rule().fileLine());
                json.writeStringField("reason", v.explanation().reason());
                json.writeEndObject();
            }
        }
        json.writeEndArray();
        json.writeArrayFieldStart("warnings");
        for (PolicyCheck.Report report : reports) {
            for (PolicyCheck.Warning w : report.warnings()) {
                json.writeStartObject();
                json.writeStringField("cluster", w.cluster());
                json.writeStringField("expectation", w.expectation());
                json.writeStringField("rule", w.rule().fileLine());
                json.writeStringField("message", w.message());
                json.writeEndObject();
            }
        }
        json.writeEndArray();
        json.writeEndObject();
        json.flush();
        out.println();
    }

    private static void examples(Finding f, Consumer<Violation> each, IntConsumer more) {
        f.cells().stream().limit(EXAMPLES).forEach(each);
        if (f.cells().size() > EXAMPLES) {
            more.accept(f.cells().size() - EXAMPLES);
        }
    }

    static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** Text safe in a markdown table cell. */
    static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
