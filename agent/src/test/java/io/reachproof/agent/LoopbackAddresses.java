package io.reachproof.agent;

import java.util.concurrent.ThreadLocalRandom;

/** Loopback addresses unlikely to be used by anything else on this machine (127.200-249.x.y). */
public final class LoopbackAddresses {

    private LoopbackAddresses() {
    }

    public static String next() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "127." + r.nextInt(200, 250) + "." + r.nextInt(0, 256) + "." + r.nextInt(1, 255);
    }
}
