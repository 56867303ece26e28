package io.reachproof.coordinator.assembly;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of a process in the order they were started, each with how it stops; {@link #close()} stops them in
 * reverse (Strimzi's {@code Main} closes its parts the same way). A part that fails to stop is logged and the
 * others still stop. Closing twice stops nothing twice.
 */
public final class StartedParts implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StartedParts.class);

    /** A started part: its name (for logs and {@link #closed()}) and how it stops. */
    private record Part(String name, AutoCloseable stop) {
    }

    private final List<Part> started = new ArrayList<>();
    private final List<String> closed = new ArrayList<>();

    /** Records {@code name} as started; {@code stop} is called on {@link #close()}, before every part started earlier. */
    public synchronized void started(String name, AutoCloseable stop) {
        requireNonNull(name, "name");
        requireNonNull(stop, "stop");
        started.add(new Part(name, stop));
        LOG.debug("started {}", name);
    }

    /** The names of the parts still running, in the order they were started. */
    public synchronized List<String> running() {
        return started.stream().map(Part::name).toList();
    }

    /** The names of the parts stopped so far, in the order they were stopped. */
    public synchronized List<String> closed() {
        return List.copyOf(closed);
    }

    /** Stops every running part, the last started first. */
    @Override
    public synchronized void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            Part part = started.remove(i);
            try {
                part.stop().close();
                LOG.debug("stopped {}", part.name());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.warn("interrupted while stopping {}; stopping the others", part.name(), e);
            } catch (Exception e) {
                LOG.warn("cannot stop {}; stopping the others", part.name(), e);
            }
            closed.add(part.name());
        }
    }
}
