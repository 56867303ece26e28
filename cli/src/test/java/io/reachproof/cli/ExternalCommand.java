package io.reachproof.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A program the image and cluster tests run (scripts/build-image, podman, skopeo, ...), from the project's root. */
final class ExternalCommand {

    /** How it ended: its exit code and what it printed (stdout and stderr together). */
    record Result(int code, String output) {
    }

    private ExternalCommand() {
    }

    /** Runs {@code command} to completion; fails when it outlives {@code deadline}. */
    static Result run(Duration deadline, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("reachproof-it-command", ".log");
        try {
            Process p = new ProcessBuilder(command).directory(ProjectVersion.ROOT.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " ran longer than " + deadline + ":\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Where {@code tool} is on the PATH, or null. */
    static Path onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).map(d -> Path.of(d, tool))
                .filter(Files::isExecutable).findFirst().orElse(null);
    }
}
