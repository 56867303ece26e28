package io.reachproof.coordinator.plan;

import java.nio.charset.StandardCharsets;

/**
 * Rendezvous (highest random weight) ordering: each agent gets a weight from a hash of (key, agent);
 * sorting by weight gives every key its own stable, well-mixed order of the same agents, and adding or
 * removing one agent leaves the relative order of the others unchanged.
 */
final class Rendezvous {

    private Rendezvous() {
    }

    static long weight(String key, String agentId) {
        long h = 0xcbf29ce484222325L;
        h = fnv(h, key.getBytes(StandardCharsets.UTF_8));
        h = fnv(h, new byte[] {0});
        h = fnv(h, agentId.getBytes(StandardCharsets.UTF_8));
        return mix(h);
    }

    private static long fnv(long h, byte[] bytes) {
        long x = h;
        for (byte b : bytes) {
            x ^= b & 0xff;
            x *= 0x100000001b3L;
        }
        return x;
    }

    /** SplitMix64 finaliser: spreads the FNV bits. */
    private static long mix(long z) {
        long x = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
        return x ^ (x >>> 31);
    }
}
