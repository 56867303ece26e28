package io.reachproof.policy;

import static java.util.Objects.requireNonNull;

import io.reachproof.yaml.SourceRef;
import java.util.Map;

/**
 * Where the parts of one Kubernetes object were written: a map from a field path
 * ({@code spec.ingress[0].ports[1].endPort}, the root is {@code ""}) to its position. A path that was
 * not recorded resolves to its nearest recorded ancestor, so every lookup has an answer.
 */
public final class Positions {

    private final SourceRef root;
    private final Map<String, SourceRef> byPath;

    public Positions(SourceRef root, Map<String, SourceRef> byPath) {
        this.root = requireNonNull(root, "root");
        this.byPath = Map.copyOf(requireNonNull(byPath, "byPath"));
    }

    /**
     * Positions of an object not read from a file (built in code, or listed from a cluster's API server):
     * everything points at {@code origin:0:0}.
     */
    public static Positions unknown(String origin) {
        return new Positions(new SourceRef(origin, 0, 0), Map.of());
    }

    /**
     * How explanations name where something was written: {@code file:line}, or the origin alone for an
     * object not read from a file (line 0, {@link #unknown}), e.g. {@code cluster gcp-prod}.
     */
    public static String place(SourceRef at) {
        return at.line() == 0 ? at.file() : at.fileLine();
    }

    /** Where the object starts. */
    public SourceRef root() {
        return root;
    }

    /** Where the field at {@code path} (or its nearest recorded ancestor) was written. */
    public SourceRef of(String path) {
        String p = path;
        while (!p.isEmpty()) {
            SourceRef ref = byPath.get(p);
            if (ref != null) {
                return ref;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut <= 0 ? "" : p.substring(0, cut);
        }
        return root;
    }
}
