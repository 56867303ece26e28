package io.reachproof.expectations;

import io.reachproof.protocol.Verdict;
import io.reachproof.yaml.SourceRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * For tests: the endpoint-level product of an expectation (every member of the source group to every member of
 * the destination group, self pairs left out), to state what an example file means on a whole fleet. The product
 * never builds it: the planner samples from {@link ExpectationResolver#groupCells} and the membership.
 */
public final class EndpointCells {

    /** One cell at endpoint level. */
    public record Cell(String fromGroup, Endpoint from, String toGroup, Endpoint to, PortSpec port, Verdict verdict,
            SourceRef rule) {
    }

    private EndpointCells() {
    }

    /** Every endpoint-level cell of the group cells of {@code expectation} over {@code endpoints}. */
    public static List<Cell> of(ConnectivityExpectation expectation, Collection<Endpoint> endpoints) {
        Map<String, List<Endpoint>> members = ExpectationResolver.membership(expectation, endpoints);
        List<Cell> cells = new ArrayList<>();
        for (GroupCell cell : ExpectationResolver.groupCells(expectation)) {
            for (Endpoint from : members.get(cell.from())) {
                for (Endpoint to : members.get(cell.to())) {
                    if (!from.id().equals(to.id())) {
                        cells.add(new Cell(cell.from(), from, cell.to(), to, cell.port(), cell.verdict(), cell.rule()));
                    }
                }
            }
        }
        return cells;
    }
}
