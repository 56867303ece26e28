package io.reachproof.coordinator.telemetry;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Test helper (shared with the cli's lab tests): the Grafana dashboards of {@code dashboards/}, read strictly, and the PromQL of their panels. */
public final class Dashboards {

    /** Grafana's own variables, substituted the way Grafana would for a 1 s scrape interval. */
    static final Map<String, String> GRAFANA_VARIABLES = Map.of(
            "__rate_interval", "10s",
            "__interval", "2s",
            "__range", "1m");
    /** The dashboards' template variables with "All" selected. */
    static final Map<String, String> ALL_SELECTED = Map.of("expectation", ".*");

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\$(\\w+)");
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    public record Dashboard(Path file, JsonNode json) {
        String uid() {
            return json.path("uid").asText();
        }
    }

    public record PanelQuery(String dashboard, String panel, String refId, String expr) {
        @Override
        public String toString() {
            return dashboard + " / " + panel + " / " + refId;
        }
    }

    private Dashboards() {
    }

    /** {@code dashboards/} of the repository (tests run in the module directory). */
    public static Path directory() {
        return Path.of("").toAbsolutePath().getParent().resolve("dashboards");
    }

    static List<Path> files() {
        try (Stream<Path> s = Files.list(directory())) {
            return s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Dashboard read(Path file) throws IOException {
        return new Dashboard(file, STRICT.readTree(file.toFile()));
    }

    public static List<Dashboard> all() {
        List<Dashboard> out = new ArrayList<>();
        for (Path f : files()) {
            try {
                out.add(read(f));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f, e);
            }
        }
        return out;
    }

    /** Every panel that is not a row, rows' collapsed panels included. */
    static List<JsonNode> panels(Dashboard d) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : d.json().path("panels")) {
            if ("row".equals(p.path("type").asText())) {
                p.path("panels").forEach(out::add);
            } else {
                out.add(p);
            }
        }
        return out;
    }

    public static List<PanelQuery> queries(Dashboard d) {
        List<PanelQuery> out = new ArrayList<>();
        for (JsonNode p : panels(d)) {
            for (JsonNode t : p.path("targets")) {
                out.add(new PanelQuery(d.uid(), p.path("title").asText(), t.path("refId").asText(),
                        t.path("expr").asText("")));
            }
        }
        return out;
    }

    /** The queries of every panel of every dashboard. */
    public static List<PanelQuery> allQueries() {
        return all().stream().flatMap(d -> queries(d).stream()).toList();
    }

    /** Names of the variables {@code expr} uses ({@code $x}, {@code ${x}}, {@code ${x:format}}). */
    static List<String> variablesIn(String expr) {
        List<String> names = new ArrayList<>();
        Matcher m = VARIABLE.matcher(expr);
        while (m.find()) {
            names.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return names;
    }

    /** {@code expr} with every variable replaced as Grafana would, "All" selected. */
    public static String substitute(String expr) {
        Matcher m = VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String value = GRAFANA_VARIABLES.getOrDefault(name, ALL_SELECTED.get(name));
            if (value == null) {
                throw new IllegalArgumentException("unknown variable $" + name + " in " + expr);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * Each of {@code queries} (variables substituted) that returns no sample, or only NaN/Inf samples, from
     * {@code prometheus} now, with what it returned.
     */
    public static Map<String, String> panelsWithoutData(PrometheusServer prometheus, List<PanelQuery> queries) {
        Map<String, String> missing = new LinkedHashMap<>();
        for (PanelQuery q : queries) {
            String promql = substitute(q.expr());
            JsonNode result = prometheus.query(promql);
            List<Double> finite = new ArrayList<>();
            result.forEach(series -> {
                double v = Double.parseDouble(series.path("value").path(1).asText("NaN"));
                if (Double.isFinite(v)) {
                    finite.add(v);
                }
            });
            if (finite.isEmpty()) {
                missing.put(q.toString(), promql + " -> " + result);
            }
        }
        return missing;
    }
}
