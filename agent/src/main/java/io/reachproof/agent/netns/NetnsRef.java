package io.reachproof.agent.netns;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * A network namespace on this node: a file that opens it ({@code /proc/PID/ns/net} or
 * {@code /run/netns/NAME}) and its inode, which identifies it (a restarted pod gets a new namespace, so
 * a new inode, even when its name stays).
 */
public record NetnsRef(Path path, long inode) {

    public NetnsRef {
        requireNonNull(path, "path");
    }
}
