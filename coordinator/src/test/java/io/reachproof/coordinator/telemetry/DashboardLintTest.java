package io.reachproof.coordinator.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.reachproof.coordinator.telemetry.Dashboards.Dashboard;
import io.reachproof.coordinator.telemetry.Dashboards.PanelQuery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** The Grafana dashboards import anywhere: valid JSON, stable unique uids, a query per panel, no datasource uid. */
class DashboardLintTest {

    private final List<Dashboard> dashboards = Dashboards.all();

    @Test
    void theThreeDashboardsAreThere() {
        assertThat(dashboards).extracting(Dashboard::uid)
                .containsExactly("reachproof-fleet", "reachproof-overview", "reachproof-probes");
    }

    @Test
    void uidsAreStableUniqueAndNamedAfterTheirFile() {
        Set<String> seen = new HashSet<>();
        assertThat(dashboards).allSatisfy(d -> {
            assertThat(d.uid()).matches("[a-z0-9-]{1,40}");
            assertThat(d.file().getFileName()).hasToString(d.uid() + ".json");
            assertThat(seen.add(d.uid())).as("uid %s is unique", d.uid()).isTrue();
        });
    }

    @Test
    void currentSchemaWithoutInstanceIds() {
        assertThat(dashboards).allSatisfy(d -> {
            assertThat(d.json().path("schemaVersion").asInt()).as(d.uid()).isGreaterThanOrEqualTo(39);
            assertThat(d.json().path("id").isNull()).as("%s has no instance id", d.uid()).isTrue();
            assertThat(d.json().has("__inputs")).as("%s needs no import inputs", d.uid()).isFalse();
        });
    }

    @Test
    void datasourceIsATemplateVariableOfTypeDatasource() {
        assertThat(dashboards).allSatisfy(d -> {
            JsonNode variable = variable(d, "datasource");
            assertThat(variable.path("type").asText()).isEqualTo("datasource");
            assertThat(variable.path("query").asText()).isEqualTo("prometheus");
        });
    }

    @Test
    void everyDatasourceReferenceGoesThroughTheVariable() {
        assertThat(dashboards).allSatisfy(d -> assertThat(datasourceUids(d.json(), new ArrayList<>()))
                .as("datasource uids in %s", d.uid())
                .isNotEmpty()
                .allMatch(uid -> uid.equals("${datasource}") || uid.equals("-- Grafana --")));
    }

    @Test
    void everyPanelHasAQueryAndAUniqueId() {
        assertThat(dashboards).allSatisfy(d -> {
            Set<Integer> ids = new HashSet<>();
            assertThat(Dashboards.panels(d)).isNotEmpty().allSatisfy(p -> {
                assertThat(ids.add(p.path("id").asInt())).as("panel id %s in %s", p.path("id"), d.uid()).isTrue();
                assertThat(p.path("targets")).as("targets of %s", p.path("title")).isNotEmpty()
                        .allSatisfy(t -> assertThat(t.path("expr").asText()).as("expr of %s", p.path("title"))
                                .isNotBlank());
                assertThat(p.path("title").asText()).isNotBlank();
            });
        });
    }

    @Test
    void queriesUseOnlyDefinedVariablesAndReachproofMetrics() {
        assertThat(dashboards).allSatisfy(d -> {
            Set<String> defined = new HashSet<>(Dashboards.GRAFANA_VARIABLES.keySet());
            d.json().path("templating").path("list").forEach(v -> defined.add(v.path("name").asText()));
            for (PanelQuery q : Dashboards.queries(d)) {
                assertThat(Dashboards.variablesIn(q.expr())).as("variables of %s", q).isSubsetOf(defined);
                assertThat(q.expr()).as("metric of %s", q).contains("reachproof_");
            }
        });
    }

    @Test
    void substitutionReplacesGrafanaAndTemplateVariables() {
        assertThat(Dashboards.substitute(
                "rate(x{reachproof_expectation=~\"$expectation\"}[$__rate_interval]) + ${expectation:regex} $__range"))
                .isEqualTo("rate(x{reachproof_expectation=~\".*\"}[10s]) + .* 1m");
        assertThatThrownBy(() -> Dashboards.substitute("x{a=\"$nope\"}"))
                .hasMessage("unknown variable $nope in x{a=\"$nope\"}");
    }

    @Test
    void strictReaderRejectsDuplicateKeys(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"uid\": \"a\", \"uid\": \"b\"}");

        assertThatThrownBy(() -> Dashboards.read(bad)).hasMessageContaining("Duplicate field 'uid'");
    }

    @Test
    void provisioningFilesDeclareTheDatasourceAndTheDashboardProvider() throws IOException {
        Path provisioning = Dashboards.directory().resolve("provisioning");
        Map<?, ?> datasources = yaml(provisioning.resolve("datasources/reachproof.yaml"));
        Map<?, ?> providers = yaml(provisioning.resolve("dashboards/reachproof.yaml"));

        assertThat(datasources.get("apiVersion")).isEqualTo(1);
        assertThat((List<?>) datasources.get("datasources")).singleElement()
                .satisfies(ds -> assertThat(((Map<?, ?>) ds).get("type")).isEqualTo("prometheus"));
        assertThat(providers.get("apiVersion")).isEqualTo(1);
        assertThat((List<?>) providers.get("providers")).singleElement()
                .satisfies(p -> assertThat(((Map<?, ?>) p).get("type")).isEqualTo("file"));
    }

    private static Map<?, ?> yaml(Path file) throws IOException {
        return (Map<?, ?>) new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
    }

    private static JsonNode variable(Dashboard d, String name) {
        for (JsonNode v : d.json().path("templating").path("list")) {
            if (name.equals(v.path("name").asText())) {
                return v;
            }
        }
        throw new AssertionError("no variable " + name + " in " + d.uid());
    }

    /** Every {@code datasource} reference anywhere in the tree, as its uid (a bare string counts as a uid). */
    private static List<String> datasourceUids(JsonNode node, List<String> out) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                if (e.getKey().equals("datasource") && !e.getValue().isNull()) {
                    out.add(e.getValue().isTextual() ? e.getValue().asText() : e.getValue().path("uid").asText());
                }
                datasourceUids(e.getValue(), out);
            });
        } else if (node.isArray()) {
            node.forEach(n -> datasourceUids(n, out));
        }
        return out;
    }
}
