package io.reachproof.yaml;

/**
 * How much work one YAML file may cost, so that no input can stall or crash a reader: the file's size,
 * how deep its collections nest, and how many nodes its aliases may add (an alias bomb doubles a list
 * a few dozen times in a few hundred bytes).
 *
 * @param maxFileBytes the largest file (UTF-8 bytes) read; a larger one is a problem before any parsing
 * @param maxNestingDepth the deepest nesting of lists and mappings, aliases expanded
 * @param maxAliasExpandedNodes how many nodes the aliases of one document may add when expanded
 */
public record YamlLimits(long maxFileBytes, int maxNestingDepth, long maxAliasExpandedNodes) {

    /**
     * 3 MiB (the code-point limit snakeyaml-engine applied before; the node trees of a 3 MiB Kubernetes dump
     * take about 130 MB of heap), 100 levels, 100,000 nodes.
     */
    public static final YamlLimits DEFAULTS = new YamlLimits(3L * 1024 * 1024, 100, 100_000);

    public YamlLimits {
        if (maxFileBytes < 1 || maxFileBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxFileBytes must be in 1.." + Integer.MAX_VALUE + ": " + maxFileBytes);
        }
        if (maxNestingDepth < 1) {
            throw new IllegalArgumentException("maxNestingDepth must be positive: " + maxNestingDepth);
        }
        if (maxAliasExpandedNodes < 0) {
            throw new IllegalArgumentException("maxAliasExpandedNodes must not be negative: " + maxAliasExpandedNodes);
        }
    }
}
