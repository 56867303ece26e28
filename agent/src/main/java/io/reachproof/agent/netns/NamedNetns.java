package io.reachproof.agent.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Named network namespaces, as {@code ip netns} makes them: {@code /run/netns/NAME}. */
public final class NamedNetns {

    /** Where {@code ip netns} keeps its namespaces. */
    public static final Path RUN_NETNS = Path.of("/run/netns");

    private NamedNetns() {
    }

    /**
     * The namespace {@code nameOrPath} names: a path when it contains a {@code /}, else a name under
     * {@link #RUN_NETNS}.
     *
     * @throws NetnsUnavailable when it does not exist
     */
    public static NetnsRef resolve(String nameOrPath) throws NetnsUnavailable {
        Path path = nameOrPath.contains("/") ? Path.of(nameOrPath) : RUN_NETNS.resolve(nameOrPath);
        return of(path);
    }

    /** The namespace at {@code path} with its inode. */
    public static NetnsRef of(Path path) throws NetnsUnavailable {
        try {
            Object inode = Files.getAttribute(path, "unix:ino");
            return new NetnsRef(path, ((Number) inode).longValue());
        } catch (IOException | UnsupportedOperationException e) {
            throw new NetnsUnavailable("network namespace " + path + " does not exist"
                    + (e instanceof java.nio.file.NoSuchFileException ? "" : ": " + e.getMessage()));
        }
    }
}
