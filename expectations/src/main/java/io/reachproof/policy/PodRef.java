package io.reachproof.policy;

import static java.util.Objects.requireNonNull;

/** A pod, named {@code namespace/name}. */
public record PodRef(String namespace, String name) implements Comparable<PodRef> {

    public PodRef {
        requireNonNull(namespace, "namespace");
        requireNonNull(name, "name");
    }

    /** Parses {@code NS/POD}; null when it is not of that shape. */
    public static PodRef parse(String id) {
        int slash = id.indexOf('/');
        if (slash <= 0 || slash == id.length() - 1 || id.indexOf('/', slash + 1) >= 0) {
            return null;
        }
        return new PodRef(id.substring(0, slash), id.substring(slash + 1));
    }

    @Override
    public int compareTo(PodRef o) {
        int c = namespace.compareTo(o.namespace);
        return c != 0 ? c : name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
