package io.reachproof.expectations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.reachproof.yaml.SourceRef;
import io.reachproof.protocol.Verdict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpectationResolverTest {

    private static ConnectivityExpectation read(String spec) {
        ReadResult result = new ExpectationReader().read("t.yaml", """
                apiVersion: reachproof.io/v1alpha1
                kind: ConnectivityExpectation
                metadata: {name: t}
                spec:
                """ + spec.indent(2));
        assertThat(result.problems()).isEmpty();
        return result.expectations().get(0);
    }

    private static Endpoint pod(String id, String cluster, String namespace, Map<String, String> labels) {
        return Endpoint.pod(id, cluster, "aws", namespace, Map.of("team", namespace.equals("payments") ? "payments" : "shop"),
                id, labels, List.of("10.0.0." + id.length()));
    }

    private static List<String> cells(ConnectivityExpectation e) {
        return ExpectationResolver.groupCells(e).stream()
                .map(c -> c.from() + "->" + c.to() + " " + c.port() + " " + c.verdict().spelling() + " @" + c.rule().line())
                .toList();
    }

    @Test
    void starAsSourceMeansEveryPodGroupAndAsDestinationEveryGroup() {
        ConnectivityExpectation e = read("""
                groups: {a: {}, b: {}, ext: {external: [example.com]}}
                expect:
                  - {from: "*", to: ext, ports: [80], verdict: deny}
                  - {from: a, to: "*", ports: [443], verdict: allow}
                """);

        assertThat(cells(e)).containsExactly(
                "a->ext 80/TCP deny @7", "b->ext 80/TCP deny @7",
                "a->a 443/TCP allow @8", "a->b 443/TCP allow @8", "a->ext 443/TCP allow @8");
    }

    @Test
    void aRuleNamingBothGroupsOverridesAStarRuleWhateverItsOrder() {
        ConnectivityExpectation e = read("""
                groups: {a: {}, b: {}}
                expect:
                  - {from: a, to: b, ports: [80], verdict: allow}
                  - {from: "*", to: b, ports: [80], verdict: deny}
                """);

        assertThat(cells(e)).containsExactly("a->b 80/TCP allow @7", "b->b 80/TCP deny @8");
    }

    @Test
    void oneStarBeatsTwoStars() {
        ConnectivityExpectation e = read("""
                groups: {a: {}, b: {}}
                expect:
                  - {from: "*", to: "*", ports: [80], verdict: deny}
                  - {from: a, to: "*", ports: [80], verdict: allow}
                """);

        assertThat(cells(e)).containsExactly("a->a 80/TCP allow @8", "a->b 80/TCP allow @8", "b->a 80/TCP deny @7", "b->b 80/TCP deny @7");
    }

    @Test
    void defaultVerdictFillsUnnamedCellsOnTheDestinationsRulePorts() {
        ConnectivityExpectation e = read("""
                defaultVerdict: deny
                groups: {a: {}, b: {}, c: {}}
                expect:
                  - {from: a, to: b, ports: ["8443/TCP"], verdict: allow}
                  - {from: c, to: b, ports: ["9090/TCP"], verdict: allow}
                """);

        assertThat(cells(e)).containsExactly(
                "a->b 8443/TCP allow @8", "c->b 9090/TCP allow @9",
                "a->b 9090/TCP deny @5", "b->b 8443/TCP deny @5", "b->b 9090/TCP deny @5", "c->b 8443/TCP deny @5");
    }

    @Test
    void withoutDefaultVerdictOnlyRulesMakeCells() {
        ConnectivityExpectation e = read("""
                groups: {a: {}, b: {}}
                expect: [{from: a, to: b, ports: ["8443/TCP"], verdict: allow}]
                """);

        assertThat(cells(e)).containsExactly("a->b 8443/TCP allow @6");
    }

    @Test
    void httpAndTcpOnOnePortAreSeparateCells() {
        ConnectivityExpectation e = read("""
                groups: {a: {}, b: {}}
                expect:
                  - {from: a, to: b, ports: ["8080/TCP"], verdict: allow}
                  - {from: "*", to: b, ports: [{port: 8080, protocol: HTTP, path: /admin}], verdict: deny}
                """);

        assertThat(cells(e)).containsExactly("a->b 8080/TCP allow @7", "a->b 8080/HTTP deny @8", "b->b 8080/HTTP deny @8");
        assertThat(ExpectationResolver.groupCells(e).get(1).port().http().path()).isEqualTo("/admin");
    }

    @Test
    void fromPoliciesMakesNoGroupCellsOfItsOwn() {
        ConnectivityExpectation e = read("""
                groups: {a: {}, b: {}}
                fromPolicies: {ports: [80]}
                expect: [{from: a, to: b, ports: [80], verdict: deny}]
                """);

        assertThat(cells(e)).containsExactly("a->b 80/TCP deny @7");
    }

    @Test
    void membersFollowClustersNamespaceAndSelectors() {
        ConnectivityExpectation e = read("""
                groups:
                  web-aws: {clusters: [aws], namespace: shop, podSelector: {matchLabels: {app: web}}}
                  web-anywhere: {namespace: shop, podSelector: {matchLabels: {app: web}}}
                  payments-team: {namespaceSelector: {matchLabels: {team: payments}}}
                  everything: {}
                  ext: {external: ["10.9.0.0/16", example.com]}
                expect: [{from: "*", to: "*", ports: [80], verdict: allow}]
                """);
        Endpoint webAws = pod("w1", "aws", "shop", Map.of("app", "web"));
        Endpoint webGcp = pod("w2", "gcp", "shop", Map.of("app", "web"));
        Endpoint pay = pod("p1", "gcp", "payments", Map.of("app", "web"));
        List<Endpoint> fleet = List.of(webAws, webGcp, pay);

        Map<String, List<Endpoint>> members = ExpectationResolver.membership(e, fleet);

        assertThat(members.get("web-aws")).containsExactly(webAws);
        assertThat(members.get("web-anywhere")).containsExactly(webAws, webGcp);
        assertThat(members.get("payments-team")).containsExactly(pay);
        assertThat(members.get("everything")).containsExactly(webAws, webGcp, pay);
        assertThat(members.get("ext")).containsExactly(Endpoint.external("10.9.0.0/16"), Endpoint.external("example.com"));
        assertThat(ExpectationResolver.members(e.groups().get("web-aws"), List.of(webGcp, pay))).isEmpty();
    }
}
