package io.reachproof.agent.netns;

import static java.util.Objects.requireNonNull;

import com.sun.jna.LastErrorException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A thread that entered one network namespace ({@code setns(2)}, which moves only the calling thread) and does
 * nothing but make things there: a socket belongs to the namespace it was created in, so a Netty channel
 * constructed here (its file descriptor is made in the constructor) sends from this namespace, whichever event
 * loop later serves it. The thread never runs anything else and ends when closed.
 */
public final class NetnsThread implements AutoCloseable {

    static final long STACK_BYTES = 256 * 1024;

    private final NetnsRef namespace;
    private final ExecutorService thread;

    private NetnsThread(NetnsRef namespace, ExecutorService thread) {
        this.namespace = namespace;
        this.thread = thread;
    }

    /**
     * A thread inside {@code namespace}.
     *
     * @throws NetnsUnavailable when the namespace does not exist or this process may not enter it
     */
    public static NetnsThread enter(NetnsRef namespace) throws NetnsUnavailable {
        requireNonNull(namespace, "namespace");
        String name = "reachproof-netns-" + namespace.path().getFileName();
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            // it only makes sockets: a small stack keeps hundreds of entered namespaces cheap
            Thread t = new Thread(null, r, name, STACK_BYTES);
            t.setDaemon(true);
            return t;
        });
        Future<?> entered = thread.submit(() -> {
            enterOnThisThread(namespace.path());
            return null;
        });
        try {
            entered.get();
        } catch (ExecutionException e) {
            thread.shutdownNow();
            if (e.getCause() instanceof NetnsUnavailable u) {
                throw u;
            }
            throw new NetnsUnavailable("cannot enter network namespace " + namespace.path() + ": " + e.getCause());
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
            throw new NetnsUnavailable("interrupted while entering network namespace " + namespace.path());
        }
        return new NetnsThread(namespace, thread);
    }

    private static void enterOnThisThread(Path path) throws NetnsUnavailable {
        if (!Files.exists(path)) {
            throw new NetnsUnavailable("network namespace " + path + " does not exist");
        }
        int fd;
        try {
            fd = Libc.INSTANCE.open(path.toString(), Libc.O_RDONLY | Libc.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new NetnsUnavailable("cannot open network namespace " + path + ": " + words(e.getErrorCode()));
        }
        try {
            Libc.INSTANCE.setns(fd, Libc.CLONE_NEWNET);
        } catch (LastErrorException e) {
            throw new NetnsUnavailable("cannot enter network namespace " + path + ": " + words(e.getErrorCode())
                    + (e.getErrorCode() == Libc.EPERM ? " (needs root or CAP_SYS_ADMIN)"
                    : e.getErrorCode() == Libc.EINVAL ? " (not a network namespace)" : ""));
        } finally {
            try {
                Libc.INSTANCE.close(fd);
            } catch (LastErrorException ignored) {
                // the namespace was entered or not; the descriptor is gone either way
            }
        }
    }

    private static String words(int errno) {
        return switch (errno) {
            case Libc.EPERM -> "operation not permitted";
            case Libc.EACCES -> "permission denied";
            case Libc.ENOENT -> "no such file";
            case Libc.EINVAL -> "invalid argument";
            default -> Libc.INSTANCE.strerror(errno);
        };
    }

    public NetnsRef namespace() {
        return namespace;
    }

    /** Runs {@code work} inside the namespace and returns what it made (a channel, a socket). */
    public <T> T make(Callable<T> work) {
        try {
            return thread.submit(work).get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("in network namespace " + namespace.path() + ": " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making something in " + namespace.path(), e);
        }
    }

    /** Runs {@code work} inside the namespace, later; a failure is dropped (the next {@link #make} will say it). */
    public void later(Runnable work) {
        try {
            thread.execute(work);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // closed meanwhile: nothing to make any more
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
