package io.reachproof.policy;

import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.Verdict;
import java.util.List;

/**
 * What {@link TruthTableWriter} reads: pods by id, ports and verdicts, and every cell in table order. A
 * {@link MultiClusterTable} is one; a single cluster's {@link TruthTable} is adapted (its pods are {@code ns/name}).
 */
interface WritableCells {

    List<String> pods();

    List<PodPort> allPorts();

    int portIndex(int pod, int port, Protocol protocol);

    Verdict verdict(int from, int to, int portIndex);

    void forEachCell(MultiClusterTable.CellSink sink);
}
