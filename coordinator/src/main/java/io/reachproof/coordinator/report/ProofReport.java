package io.reachproof.coordinator.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import io.reachproof.coordinator.store.Enforcement;
import io.reachproof.coordinator.store.ExpectationVersion;
import io.reachproof.coordinator.store.GateRecord;
import io.reachproof.coordinator.store.PolicyVersion;
import io.reachproof.coordinator.store.ProofRecord;
import io.reachproof.protocol.Json;
import io.reachproof.protocol.Mismatch;
import io.reachproof.protocol.PolicyChange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The living record of a period, written for people: the requirements (expectation sets and their versions), the
 * implementation (policy versions per cluster, a diff between versions and who changed them), the results (rounds and
 * coverage over time, every mismatch episode, time to enforce, gate runs). One renderer for the CLI and
 * {@code GET /v1/report}.
 */
public final class ProofReport {

    /** Points of the coverage chart at most: a month of 30 s rounds is drawn from this many buckets. */
    static final int CHART_POINTS = 240;

    private final ObjectMapper json = Json.mapper().registerModule(new Jdk8Module())
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** The JSON contract: {@code rounds}, {@code episodes}, {@code policyVersions}, {@code expectationVersions}, ... */
    public record JsonReport(String since, String until, List<ProofRecord.Round> rounds, List<ProofRecord.Episode> episodes,
            List<PolicyVersion> policyVersions, List<ExpectationVersion> expectationVersions,
            List<Enforcement> timeToEnforce, List<GateRecord> gateRuns) {
    }

    public String render(ProofRecord record, ReportFormat format) {
        requireNonNull(record, "record");
        return switch (requireNonNull(format, "format")) {
            case JSON -> json(record);
            case MARKDOWN -> markdown(record);
            case HTML -> html(record);
        };
    }

    private String json(ProofRecord r) {
        try {
            return json.writeValueAsString(new JsonReport(r.query().since().toString(), r.query().until().toString(),
                    r.rounds(), r.episodes(), r.policyVersions(), r.expectationVersions(), r.enforcements(),
                    r.gateDecisions())) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
    }

    // ---- shared figures

    private static double meanCoverage(ProofRecord r) {
        return r.rounds().stream().mapToDouble(ProofRecord.Round::coverage).average().orElse(0);
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", fraction * 100);
    }

    private static String duration(String from, String to) {
        if (to == null) {
            return "open";
        }
        Duration d = Duration.between(Instant.parse(from), Instant.parse(to));
        long s = d.toSeconds();
        return s < 120 ? s + " s" : s < 7200 ? (s / 60) + " min" : String.format(Locale.ROOT, "%.1f h", s / 3600.0);
    }

    private static String change(PolicyChange c) {
        return c == null ? "none known" : c.cluster() + " " + c.namespace() + "/" + c.name() + " " + c.action().toLowerCase(Locale.ROOT)
                + (c.resourceVersion() == null ? "" : " (resourceVersion " + c.resourceVersion() + ")");
    }

    /** One line per mismatch, the same words in Markdown and HTML. */
    static String mismatch(Mismatch m) {
        return m.kind() + " " + m.cell().fromGroup() + " (" + m.cell().from().cluster() + ") -> " + m.cell().toGroup() + " ("
                + m.cell().to().cluster() + ") " + m.cell().port() + "/" + m.cell().protocol() + ": expected "
                + m.cell().expected() + ", observed " + m.cell().observed();
    }

    /** Policy versions by cluster/namespace/name, oldest first. */
    private static Map<String, List<PolicyVersion>> policies(ProofRecord r) {
        Map<String, List<PolicyVersion>> out = new LinkedHashMap<>();
        for (PolicyVersion v : r.policyVersions()) {
            out.computeIfAbsent(v.cluster() + " " + v.namespace() + "/" + v.name(), k -> new ArrayList<>()).add(v);
        }
        return out;
    }

    // ---- Markdown

    private String markdown(ProofRecord r) {
        StringBuilder md = new StringBuilder();
        md.append("# reachproof: proof record\n\n")
                .append("Period: ").append(r.query().since()).append(" .. ").append(r.query().until())
                .append(r.query().cluster().map(c -> ", cluster " + c).orElse(""))
                .append(r.query().expectation().map(e -> ", expectation " + e).orElse("")).append("\n\n")
                .append("Rounds: ").append(r.rounds().size()).append(", mean coverage ").append(percent(meanCoverage(r)))
                .append(", mismatch episodes: ").append(r.episodes().size()).append("\n\n");
        md.append("## Requirements: expectation sets\n\n| set | content hash | git revision | file | first seen |\n|---|---|---|---|---|\n");
        for (ExpectationVersion v : r.expectationVersions()) {
            md.append("| ").append(v.expectation()).append(" | ").append(v.contentHash(), 0, 12).append(" | ")
                    .append(v.gitRevision().orElse("-")).append(" | ").append(v.file()).append(" | ").append(v.seenAt()).append(" |\n");
        }
        md.append("\n## Implementation: policy versions\n\n");
        for (Map.Entry<String, List<PolicyVersion>> e : policies(r).entrySet()) {
            md.append("### ").append(e.getKey()).append("\n\n");
            PolicyVersion before = null;
            for (PolicyVersion v : e.getValue()) {
                md.append("- ").append(v.seenAt()).append(": resourceVersion ").append(v.resourceVersion().orElse("-"))
                        .append(", hash ").append(v.contentHash(), 0, Math.min(12, v.contentHash().length()))
                        .append(", changed by ").append(v.manager().orElse("unknown")).append("\n");
                if (before != null) {
                    md.append("\n```diff\n").append(String.join("\n", PolicyDiff.lines(before.yaml(), v.yaml()))).append("\n```\n\n");
                }
                before = v;
            }
            md.append("\n");
        }
        md.append("## Results: mismatch episodes\n\n| key | set | clusters | opened | resolved | lasted | suspect change | trace |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        for (ProofRecord.Episode e : r.episodes()) {
            md.append("| ").append(e.idempotencyKey()).append(" | ").append(e.expectation()).append(" | ").append(e.cluster())
                    .append(" | ").append(e.openedAt()).append(" | ").append(e.resolvedAt() == null ? "-" : e.resolvedAt())
                    .append(" | ").append(duration(e.openedAt(), e.resolvedAt())).append(" | ").append(change(e.suspectChange()))
                    .append(" | ").append(e.traceId() == null ? "-" : e.traceId()).append(" |\n");
            for (Mismatch m : e.mismatches()) {
                md.append("|  | ").append(mismatch(m)).append(" | | | | | | |\n");
            }
        }
        md.append("\n## Results: time to enforce\n\n| cluster | change | changed | enforced | time |\n|---|---|---|---|---|\n");
        for (Enforcement e : r.enforcements()) {
            md.append("| ").append(e.cluster()).append(" | ").append(e.change()).append(" | ").append(e.changedAt()).append(" | ")
                    .append(e.enforcedAt()).append(" | ").append(e.millis()).append(" ms |\n");
        }
        md.append("\n## Results: gate runs\n\n| set | at | verdict | round |\n|---|---|---|---|\n");
        for (GateRecord g : r.gateDecisions()) {
            md.append("| ").append(g.expectation()).append(" | ").append(g.decidedAt()).append(" | ").append(g.verdict())
                    .append(" | ").append(g.roundId().orElse("-")).append(" |\n");
        }
        md.append("\n## Results: rounds with mismatches\n\n| round | set | finished | coverage | mismatches |\n|---|---|---|---|---|\n");
        for (ProofRecord.Round x : r.rounds()) {
            if (x.mismatches() > 0) {
                md.append("| ").append(x.roundId()).append(" | ").append(x.expectation()).append(" | ").append(x.finishedAt())
                        .append(" | ").append(percent(x.coverage())).append(" | ").append(x.mismatches()).append(" |\n");
            }
        }
        return md.toString();
    }

    // ---- HTML

    private static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static final String CSS = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1f24;margin:2rem auto;max-width:70rem;padding:0 1rem}
            h1{font-size:1.6rem;margin-bottom:.2rem}h2{border-bottom:2px solid #d0d7de;padding-bottom:.2rem;margin-top:2rem}
            table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{border:1px solid #d0d7de;padding:.25rem .45rem;text-align:left;vertical-align:top}
            th{background:#f3f5f7}.hole{color:#b3261e;font-weight:600}.blocked{color:#8a5300;font-weight:600}.ok{color:#1a7f37}
            .summary{display:flex;gap:1rem;flex-wrap:wrap}.summary div{border:1px solid #d0d7de;border-radius:6px;padding:.5rem 1rem}
            .summary b{display:block;font-size:1.4rem}pre.diff{background:#f6f8fa;padding:.5rem;overflow-x:auto}
            .add{color:#1a7f37}.del{color:#b3261e}svg{width:100%;height:auto}
            @media print{body{margin:0;max-width:none;font-size:11px}h2{break-after:avoid}tr,pre{break-inside:avoid}}
            """;

    private String html(ProofRecord r) {
        StringBuilder h = new StringBuilder(64 * 1024);
        long holes = r.episodes().stream().filter(e -> e.mismatches().stream().anyMatch(m -> m.kind().name().equals("HOLE"))).count();
        long open = r.episodes().stream().filter(e -> e.resolvedAt() == null).count();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>reachproof proof record ")
                .append(esc(r.query().since().toString())).append(" .. ").append(esc(r.query().until().toString()))
                .append("</title><style>").append(CSS).append("</style></head><body>\n")
                .append("<h1>reachproof: proof record</h1><p id=\"period\">").append(esc(r.query().since().toString())).append(" .. ")
                .append(esc(r.query().until().toString()))
                .append(esc(r.query().cluster().map(c -> ", cluster " + c).orElse("")))
                .append(esc(r.query().expectation().map(e -> ", expectation " + e).orElse(""))).append("</p>\n")
                .append("<div class=\"summary\"><div id=\"rounds-count\"><b>").append(r.rounds().size()).append("</b>rounds</div>")
                .append("<div id=\"coverage-mean\"><b>").append(percent(meanCoverage(r))).append("</b>mean coverage</div>")
                .append("<div id=\"episodes-count\"><b>").append(r.episodes().size()).append("</b>mismatch episodes (")
                .append(holes).append(" with holes, ").append(open).append(" open)</div></div>\n");

        h.append("<h2>Requirements: expectation sets</h2><table id=\"expectations\"><tr><th>set</th><th>content hash</th>"
                + "<th>git revision</th><th>file</th><th>first seen</th></tr>");
        for (ExpectationVersion v : r.expectationVersions()) {
            h.append("<tr><td>").append(esc(v.expectation())).append("</td><td><code>").append(esc(v.contentHash().substring(0, 12)))
                    .append("</code></td><td>").append(esc(v.gitRevision().orElse("-"))).append("</td><td>").append(esc(v.file()))
                    .append("</td><td>").append(esc(v.seenAt())).append("</td></tr>");
        }
        h.append("</table>\n<h2>Implementation: policy versions</h2><div id=\"policies\">");
        for (Map.Entry<String, List<PolicyVersion>> e : policies(r).entrySet()) {
            h.append("<h3>").append(esc(e.getKey())).append("</h3><table><tr><th>seen</th><th>resourceVersion</th><th>hash</th>"
                    + "<th>changed by</th></tr>");
            for (PolicyVersion v : e.getValue()) {
                h.append("<tr><td>").append(esc(v.seenAt())).append("</td><td>").append(esc(v.resourceVersion().orElse("-")))
                        .append("</td><td><code>").append(esc(v.contentHash().substring(0, Math.min(12, v.contentHash().length()))))
                        .append("</code></td><td>").append(esc(v.manager().orElse("unknown"))).append("</td></tr>");
            }
            h.append("</table>");
            for (int i = 1; i < e.getValue().size(); i++) {
                h.append("<pre class=\"diff\">");
                for (String line : PolicyDiff.lines(e.getValue().get(i - 1).yaml(), e.getValue().get(i).yaml())) {
                    String cls = line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : "";
                    h.append("<span class=\"").append(cls).append("\">").append(esc(line)).append("</span>\n");
                }
                h.append("</pre>");
            }
        }
        h.append("</div>\n<h2>Results: coverage and mismatches over time</h2>").append(chart(r));

        h.append("<h2>Results: mismatch episodes</h2><table id=\"episodes\"><tr><th>key</th><th>set</th><th>clusters</th>"
                + "<th>opened</th><th>resolved</th><th>lasted</th><th>mismatches</th><th>suspect change</th><th>trace</th></tr>");
        for (ProofRecord.Episode e : r.episodes()) {
            h.append("<tr class=\"episode\"><td>").append(esc(e.idempotencyKey())).append("</td><td>").append(esc(e.expectation()))
                    .append("</td><td>").append(esc(e.cluster())).append("</td><td>").append(esc(e.openedAt())).append("</td><td>")
                    .append(e.resolvedAt() == null ? "open" : esc(e.resolvedAt())).append("</td><td>")
                    .append(esc(duration(e.openedAt(), e.resolvedAt()))).append("</td><td>");
            for (Mismatch m : e.mismatches()) {
                h.append("<div class=\"").append(m.kind().name().toLowerCase(Locale.ROOT)).append("\">").append(esc(mismatch(m)))
                        .append("</div>");
            }
            h.append("</td><td>").append(esc(change(e.suspectChange()))).append("</td><td><code>")
                    .append(esc(e.traceId() == null ? "-" : e.traceId())).append("</code></td></tr>");
        }
        h.append("</table>\n<h2>Results: time to enforce</h2><table id=\"enforcement\"><tr><th>cluster</th><th>change</th>"
                + "<th>changed</th><th>enforced</th><th>time</th></tr>");
        for (Enforcement e : r.enforcements()) {
            h.append("<tr><td>").append(esc(e.cluster())).append("</td><td>").append(esc(e.change())).append("</td><td>")
                    .append(esc(e.changedAt())).append("</td><td>").append(esc(e.enforcedAt())).append("</td><td>")
                    .append(e.millis()).append(" ms</td></tr>");
        }
        h.append("</table>\n<h2>Results: gate runs</h2><table id=\"gates\"><tr><th>set</th><th>at</th><th>verdict</th><th>round</th></tr>");
        for (GateRecord g : r.gateDecisions()) {
            h.append("<tr><td>").append(esc(g.expectation())).append("</td><td>").append(esc(g.decidedAt())).append("</td><td>")
                    .append(esc(g.verdict())).append("</td><td>").append(esc(g.roundId().orElse("-"))).append("</td></tr>");
        }
        h.append("</table>\n<p>Generated by reachproof from its proof record.</p></body></html>\n");
        return h.toString();
    }

    /** Coverage (line) and rounds with mismatches (bars) over the period, in at most {@link #CHART_POINTS} buckets. */
    private static String chart(ProofRecord r) {
        int w = 960;
        int ht = 220;
        long since = r.query().since().toEpochMilli();
        long span = Math.max(1, r.query().until().toEpochMilli() - since);
        double[] coverage = new double[CHART_POINTS];
        int[] rounds = new int[CHART_POINTS];
        int[] mismatched = new int[CHART_POINTS];
        for (ProofRecord.Round x : r.rounds()) {
            long at = Instant.parse(x.finishedAt()).toEpochMilli();
            int b = (int) Math.min(CHART_POINTS - 1, Math.max(0, (at - since) * CHART_POINTS / span));
            coverage[b] += x.coverage();
            rounds[b]++;
            if (x.mismatches() > 0) {
                mismatched[b]++;
            }
        }
        StringBuilder svg = new StringBuilder();
        svg.append("<svg id=\"coverage-chart\" viewBox=\"0 0 ").append(w).append(' ').append(ht + 30)
                .append("\" role=\"img\" aria-label=\"coverage and rounds with mismatches over time\">")
                .append("<rect x=\"40\" y=\"10\" width=\"").append(w - 50).append("\" height=\"").append(ht - 20)
                .append("\" fill=\"#fafbfc\" stroke=\"#d0d7de\"/>")
                .append("<text x=\"0\" y=\"16\" font-size=\"11\">100%</text><text x=\"8\" y=\"").append(ht - 10)
                .append("\" font-size=\"11\">0%</text>");
        double step = (w - 50) / (double) CHART_POINTS;
        StringBuilder line = new StringBuilder();
        for (int b = 0; b < CHART_POINTS; b++) {
            double x = 40 + b * step;
            if (mismatched[b] > 0) {
                double barH = (ht - 20) * (double) mismatched[b] / rounds[b];
                svg.append(String.format(Locale.ROOT, "<rect class=\"mismatch-bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#f4b4ae\"/>",
                        x, ht - 10 - barH, Math.max(1, step), barH));
            }
            if (rounds[b] > 0) {
                double y = 10 + (ht - 20) * (1 - coverage[b] / rounds[b]);
                line.append(line.length() == 0 ? "M" : "L").append(String.format(Locale.ROOT, "%.1f %.1f ", x + step / 2, y));
            }
        }
        if (line.length() > 0) {
            svg.append("<path id=\"coverage-line\" d=\"").append(line.toString().trim()).append("\" fill=\"none\" stroke=\"#0969da\" stroke-width=\"2\"/>");
        }
        svg.append("<text x=\"40\" y=\"").append(ht + 20).append("\" font-size=\"11\">").append(esc(r.query().since().toString()))
                .append("</text><text x=\"").append(w - 10).append("\" y=\"").append(ht + 20)
                .append("\" font-size=\"11\" text-anchor=\"end\">").append(esc(r.query().until().toString())).append("</text></svg>")
                .append("<p>Blue: mean coverage of the rounds; red: share of rounds with mismatches.</p>");
        return svg.toString();
    }
}
