package io.reachproof.coordinator;

import io.reachproof.coordinator.round.LoadedExpectation;
import io.reachproof.expectations.ConnectivityExpectation;
import io.reachproof.expectations.Group;
import io.reachproof.expectations.GroupCell;
import io.reachproof.expectations.HttpCheck;
import io.reachproof.expectations.LabelSelector;
import io.reachproof.expectations.PortSpec;
import io.reachproof.protocol.Protocol;
import io.reachproof.yaml.SourceRef;
import io.reachproof.protocol.Verdict;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The lab expectation ({@code expectations/examples/lab.yaml}) as Java values, for tests of the coordinator alone. */
public final class LabExpectation {

    public static final String FILE = "lab.yaml";

    private LabExpectation() {
    }

    public static Map<String, Group> groups() {
        Map<String, Group> groups = new LinkedHashMap<>();
        groups.put("frontend", new Group("frontend", List.of(), "shop", null,
                LabelSelector.matchLabels(Map.of("app", "frontend", "tier", "web")), List.of(), at(12)));
        groups.put("checkout", new Group("checkout", List.of(), "shop", null,
                LabelSelector.matchLabels(Map.of("app", "checkout")), List.of(), at(15)));
        groups.put("payments", new Group("payments", List.of(), null, LabelSelector.matchLabels(Map.of("team", "payments")),
                LabelSelector.matchLabels(Map.of("app", "payments")), List.of(), at(18)));
        return groups;
    }

    public static List<GroupCell> cells() {
        return List.of(
                new GroupCell("frontend", "checkout", PortSpec.of(7001, Protocol.TCP), Verdict.ALLOW, at(22)),
                new GroupCell("frontend", "checkout", new PortSpec(7003, Protocol.HTTP,
                        new HttpCheck("/reachproof/identity", "GET", 200, 299)), Verdict.ALLOW, at(22)),
                new GroupCell("checkout", "payments", PortSpec.of(7001, Protocol.TCP), Verdict.ALLOW, at(26)),
                new GroupCell("checkout", "payments", PortSpec.of(7002, Protocol.UDP), Verdict.ALLOW, at(26)),
                new GroupCell("frontend", "payments", PortSpec.of(7001, Protocol.TCP), Verdict.DENY, at(30)));
    }

    public static ConnectivityExpectation expectation(String name, Duration interval) {
        return new ConnectivityExpectation(name, interval, Optional.empty(), groups(), List.of(), false, at(4), Optional.empty(), at(4));
    }

    public static LoadedExpectation loaded(String name, Duration interval) {
        return new LoadedExpectation(expectation(name, interval), cells(), Optional.empty());
    }

    static SourceRef at(int line) {
        return new SourceRef(FILE, line, 7);
    }
}
