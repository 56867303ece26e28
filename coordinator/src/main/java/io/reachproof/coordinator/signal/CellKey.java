package io.reachproof.coordinator.signal;

import static java.util.Objects.requireNonNull;

import io.reachproof.protocol.CellResult;
import io.reachproof.protocol.Protocol;

/**
 * A cell as signals and the gate count it: group pair x cluster pair x port, not the agent pair.
 * Rounds sample different agents of a group each time; keying by pods would turn every round into a
 * "changed" signal.
 */
public record CellKey(String fromGroup, String toGroup, String fromCluster, String toCluster, int port,
        Protocol protocol) implements Comparable<CellKey> {

    public CellKey {
        requireNonNull(fromGroup, "fromGroup");
        requireNonNull(toGroup, "toGroup");
        requireNonNull(protocol, "protocol");
    }

    public static CellKey of(CellResult cell) {
        return new CellKey(cell.fromGroup(), cell.toGroup(), cell.from().cluster(), cell.to().cluster(), cell.port(),
                cell.protocol());
    }

    @Override
    public int compareTo(CellKey o) {
        return toString().compareTo(o.toString());
    }

    /** {@code frontend -> payments 7001/TCP (aws-lab -> gcp-lab)}. */
    @Override
    public String toString() {
        return fromGroup + " -> " + toGroup + " " + port + "/" + protocol.spelling() + " (" + fromCluster + " -> " + toCluster
                + ")";
    }
}
