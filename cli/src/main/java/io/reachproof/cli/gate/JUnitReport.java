package io.reachproof.cli.gate;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The JUnit XML report of {@code reachproof gate}: one test suite per expectation, one test case per
 * expectation rule the deciding round probed (failed when it has mismatched cells, skipped when none of
 * its cells was proven), and one {@code error} test case when the gate could not conclude (pending,
 * inconclusive, unreachable coordinator, timeout). Written with the JDK's XML APIs.
 */
public final class JUnitReport {

    /** One test case; at most one of failure, error, skipped is set. */
    public record TestCase(String name, String failureType, String failureMessage, String failureText,
            String errorMessage, String skippedMessage) {

        public TestCase {
            requireNonNull(name, "name");
        }

        static TestCase passed(String name) {
            return new TestCase(name, null, null, null, null, null);
        }
    }

    private final String suite;
    private final Map<String, String> properties;
    private final List<TestCase> cases;
    private final Duration time;
    private final Instant timestamp;

    public JUnitReport(String suite, Map<String, String> properties, List<TestCase> cases, Duration time,
            Instant timestamp) {
        this.suite = requireNonNull(suite, "suite");
        this.properties = new LinkedHashMap<>(requireNonNull(properties, "properties"));
        this.cases = List.copyOf(requireNonNull(cases, "cases"));
        this.time = requireNonNull(time, "time");
        this.timestamp = requireNonNull(timestamp, "timestamp");
    }

    /** The report of a gate answer (any state). */
    public static JUnitReport of(String expectation, GateAnswer answer, Map<String, String> properties,
            Duration time, Instant timestamp) {
        List<TestCase> cases = new ArrayList<>();
        JsonNode mismatches = answer.body().path("mismatches");
        for (JsonNode rule : answer.body().path("rules")) {
            String ruleRef = rule.path("rule").asText();
            List<String> ports = new ArrayList<>();
            rule.path("ports").forEach(p -> ports.add(p.asText()));
            String name = rule.path("fromGroup").asText() + " -> " + rule.path("toGroup").asText() + " "
                    + rule.path("expected").asText() + " " + String.join(", ", ports) + " (" + ruleRef + ")";
            List<JsonNode> mine = new ArrayList<>();
            mismatches.forEach(m -> {
                if (ruleRef.equals(m.path("rule").asText())) {
                    mine.add(m);
                }
            });
            if (!mine.isEmpty()) {
                Set<String> kinds = new LinkedHashSet<>();
                Set<String> cells = new LinkedHashSet<>();
                StringBuilder text = new StringBuilder();
                for (JsonNode m : mine) {
                    kinds.add(m.path("kind").asText());
                    cells.add(m.path("kind").asText() + " " + m.path("cell").asText());
                    text.append(m.path("text").asText()).append('\n');
                }
                String message = mine.size() + (mine.size() == 1 ? " mismatched cell: " : " mismatched cells: ")
                        + String.join(", ", cells);
                cases.add(new TestCase(name, String.join(",", kinds), message, text.toString(), null, null));
            } else if (rule.path("allow").asLong() + rule.path("deny").asLong() == 0) {
                List<String> reasons = new ArrayList<>();
                rule.path("inconclusiveReasons").properties()
                        .forEach(r -> reasons.add(r.getValue().asLong() + " " + r.getKey()));
                cases.add(new TestCase(name, null, null, null, null,
                        "no cell proven: " + rule.path("inconclusive").asLong() + " inconclusive"
                                + (reasons.isEmpty() ? "" : " (" + String.join(", ", reasons) + ")")));
            } else {
                cases.add(TestCase.passed(name));
            }
        }
        GateAnswer.State state = answer.state();
        if (state == GateAnswer.State.PENDING || state == GateAnswer.State.INCONCLUSIVE) {
            cases.add(new TestCase("complete round of " + expectation, null, null, null, answer.message(), null));
        }
        return new JUnitReport(expectation, properties, cases, time, timestamp);
    }

    /** The report when the gate could not get an answer: one error test case. */
    public static JUnitReport ofError(String expectation, String message, Map<String, String> properties,
            Duration time, Instant timestamp) {
        return new JUnitReport(expectation, properties,
                List.of(new TestCase("complete round of " + expectation, null, null, null, message, null)), time,
                timestamp);
    }

    public List<TestCase> cases() {
        return cases;
    }

    public void write(Path file) throws IOException {
        Document doc;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            doc = f.newDocumentBuilder().newDocument();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML builder is unavailable", e);
        }
        long failures = cases.stream().filter(c -> c.failureMessage() != null).count();
        long errors = cases.stream().filter(c -> c.errorMessage() != null).count();
        long skipped = cases.stream().filter(c -> c.skippedMessage() != null).count();
        String seconds = String.format(Locale.ROOT, "%.3f", time.toMillis() / 1000.0);
        String className = "reachproof.gate." + suite;

        Element suites = doc.createElement("testsuites");
        suites.setAttribute("name", "reachproof gate");
        suites.setAttribute("tests", Integer.toString(cases.size()));
        suites.setAttribute("failures", Long.toString(failures));
        suites.setAttribute("errors", Long.toString(errors));
        suites.setAttribute("skipped", Long.toString(skipped));
        suites.setAttribute("time", seconds);
        doc.appendChild(suites);

        Element s = doc.createElement("testsuite");
        s.setAttribute("name", className);
        s.setAttribute("tests", Integer.toString(cases.size()));
        s.setAttribute("failures", Long.toString(failures));
        s.setAttribute("errors", Long.toString(errors));
        s.setAttribute("skipped", Long.toString(skipped));
        s.setAttribute("time", seconds);
        s.setAttribute("timestamp",
                LocalDateTime.ofInstant(timestamp.truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC).toString());
        suites.appendChild(s);

        Element props = doc.createElement("properties");
        properties.forEach((k, v) -> {
            Element p = doc.createElement("property");
            p.setAttribute("name", k);
            p.setAttribute("value", v == null ? "" : v);
            props.appendChild(p);
        });
        s.appendChild(props);

        for (TestCase c : cases) {
            Element tc = doc.createElement("testcase");
            tc.setAttribute("classname", className);
            tc.setAttribute("name", c.name());
            tc.setAttribute("time", "0");
            if (c.failureMessage() != null) {
                Element failure = doc.createElement("failure");
                failure.setAttribute("type", c.failureType());
                failure.setAttribute("message", c.failureMessage());
                failure.setTextContent(c.failureText());
                tc.appendChild(failure);
            } else if (c.errorMessage() != null) {
                Element error = doc.createElement("error");
                error.setAttribute("type", "inconclusive");
                error.setAttribute("message", c.errorMessage());
                tc.appendChild(error);
            } else if (c.skippedMessage() != null) {
                Element skip = doc.createElement("skipped");
                skip.setAttribute("message", c.skippedMessage());
                tc.appendChild(skip);
            }
            s.appendChild(tc);
        }

        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            Transformer t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.INDENT, "yes");
            t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            t.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "2");
            t.transform(new DOMSource(doc), new StreamResult(out));
        } catch (TransformerException e) {
            throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
