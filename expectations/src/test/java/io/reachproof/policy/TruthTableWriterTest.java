package io.reachproof.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TruthTableWriterTest {

    private static final String DENY_A = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: a-from-b, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
              ingress: [{from: [{podSelector: {matchLabels: {pod: b}}}], ports: [{port: 80}]}]
            """;

    private static final String TWO_PODS = """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: Pod
              metadata: {name: a, namespace: x, labels: {pod: a}}
              spec: {containers: [{name: c, ports: [{containerPort: 80}, {containerPort: 53, protocol: UDP}]}]}
            - apiVersion: v1
              kind: Pod
              metadata: {name: b, namespace: x, labels: {pod: b}}
              spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}
            - apiVersion: v1
              kind: Pod
              metadata: {name: c, namespace: x, labels: {pod: c}}
            """;

    @Test
    void jsonHasExactlyTheContractShapeInTableOrder() throws IOException {
        StringWriter out = new StringWriter();
        TruthTableWriter.json(E2eModel.table(DENY_A, TWO_PODS), out);

        assertThat(out.toString()).isEqualTo("""
                {"cells":[
                {"from":"x/a","to":"x/b","port":80,"protocol":"TCP","verdict":"allow"},
                {"from":"x/b","to":"x/a","port":53,"protocol":"UDP","verdict":"deny"},
                {"from":"x/b","to":"x/a","port":80,"protocol":"TCP","verdict":"allow"},
                {"from":"x/b","to":"x/c","port":80,"protocol":"TCP","verdict":"allow"},
                {"from":"x/c","to":"x/a","port":53,"protocol":"UDP","verdict":"deny"},
                {"from":"x/c","to":"x/a","port":80,"protocol":"TCP","verdict":"deny"},
                {"from":"x/c","to":"x/b","port":80,"protocol":"TCP","verdict":"allow"}
                ]}
                """.replace("{\"from\":\"x/b\",\"to\":\"x/c\",\"port\":80,\"protocol\":\"TCP\",\"verdict\":\"allow\"},\n", ""));
    }

    @Test
    void jsonOfTheE2eModelParsesWithOneCellPerTableCell() throws IOException {
        StringWriter out = new StringWriter();
        TruthTableWriter.json(E2eModel.table(""), out);

        JsonNode cells = new ObjectMapper().readTree(out.toString()).get("cells");
        assertThat(cells).hasSize(432);
        assertThat(cells.get(0).toString()).isEqualTo("{\"from\":\"x/a\",\"to\":\"x/b\",\"port\":80,\"protocol\":\"TCP\",\"verdict\":\"allow\"}");
    }

    @Test
    void textShowsOneBlockPerPortWithSourcesAsRows() throws IOException {
        StringWriter out = new StringWriter();
        TruthTableWriter.text(E2eModel.table(DENY_A, TWO_PODS), out);

        assertThat(out.toString()).isEqualTo("""
                pods (rows: from, columns: to; X allow, . deny, - no cell):
                1  x/a
                2  x/b
                3  x/c

                53/UDP
                       1 2 3
                1  x/a - - -
                2  x/b . - -
                3  x/c . - -

                80/TCP
                       1 2 3
                1  x/a - X -
                2  x/b X - -
                3  x/c . X -
                """);
    }
}
