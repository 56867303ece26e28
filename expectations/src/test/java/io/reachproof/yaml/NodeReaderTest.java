package io.reachproof.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.nodes.MappingNode;

class NodeReaderTest {

    private final List<Problem> problems = new ArrayList<>();
    private final NodeReader nodes = new NodeReader("f.yaml", problems);

    private MappingNode root(String yaml) {
        return (MappingNode) new YamlLoader(YamlLimits.DEFAULTS).load("f.yaml", yaml).documents().get(0);
    }

    @Test
    void entriesReportDuplicateAndUnknownKeysWithTheNearestValidOne() {
        MappingNode root = root("name: a\nnmae: b\nname: c\n~: x\n");

        assertThat(nodes.entries(root, "metadata", List.of("name", "labels"))).containsOnlyKeys("name");
        assertThat(problems).map(Problem::toString).containsExactly(
                "f.yaml:2:1: unknown key 'nmae' in metadata (did you mean 'name'?)",
                "f.yaml:3:1: duplicate key 'name' in metadata (first at line 1)",
                "f.yaml:4:1: keys in metadata must be strings, got nothing (null)");
    }

    @Test
    void typedAccessReportsWhatWasFoundWhereAndGoesOn() {
        MappingNode root = root("a: 8080\nb: [x, 1]\nc: text\n");

        assertThat(nodes.string(root.getValue().get(0).getValueNode(), "'a'")).isEmpty();
        assertThat(nodes.strings(root.getValue().get(1).getValueNode(), "'b'")).isEmpty();
        assertThat(nodes.mapping(root.getValue().get(2).getValueNode(), "'c'")).isEmpty();
        assertThat(problems).map(Problem::toString).containsExactly(
                "f.yaml:1:4: 'a' must be a string, got integer 8080 (quote it: \"8080\")",
                "f.yaml:2:8: an entry of 'b' must be a string, got integer 1 (quote it: \"1\")",
                "f.yaml:3:4: 'c' must be a mapping, got string 'text'");
    }
}
