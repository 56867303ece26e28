package io.reachproof.cli.dataplane;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the dataplane's commands ({@code ip}, {@code nft}) and says plainly what failed. */
public final class Shell {

    private static final long TIMEOUT_SECONDS = 30;

    private Shell() {
    }

    /** Runs {@code command} with {@code stdin} (or none) and returns its output; fails naming it and its error. */
    public static String run(String stdin, String... command) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        try {
            Process p = pb.start();
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            String out;
            try (InputStream o = p.getInputStream()) {
                out = new String(o.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new DataplaneException(String.join(" ", command) + ": no answer after " + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new DataplaneException(String.join(" ", command) + ": exit " + p.exitValue() + ": " + out.strip());
            }
            return out;
        } catch (IOException e) {
            throw new DataplaneException(String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataplaneException(String.join(" ", command) + ": interrupted");
        }
    }

    /** Runs {@code command} inside network namespace {@code netns} ({@code ip netns exec}). */
    public static String in(String netns, String stdin, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        full.addAll(List.of(command));
        return run(stdin, full.toArray(new String[0]));
    }

    /** Whether {@code program} is on the PATH. */
    public static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why this process cannot build a dataplane, or empty when it can: root (network namespaces), {@code ip}
     * (iproute2) and {@code nft} (nftables).
     */
    public static java.util.Optional<String> whyNoDataplane() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return java.util.Optional.of("needs root to make network namespaces (running as "
                    + System.getProperty("user.name") + ")");
        }
        if (!onPath("ip")) {
            return java.util.Optional.of("needs the ip command (Debian package iproute2)");
        }
        if (!onPath("nft")) {
            return java.util.Optional.of("needs the nft command (Debian package nftables)");
        }
        return java.util.Optional.empty();
    }
}
