package io.reachproof.cli;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * {@code git:REV[:PATH]}: the manifests under PATH (relative to the repository's top) at revision REV, read with
 * the {@code git} command of the machine from the repository that holds {@code near}. Without PATH, the path of
 * {@code near} itself (so {@code --before git:origin/main --after policies/} compares the same folder). Nothing is
 * checked out: the files are read as blobs and named {@code git:REV:FILE} in every message.
 */
record GitRevision(String option, String spec, String revision, String path) {

    static final String PREFIX = "git:";

    GitRevision {
        requireNonNull(spec, "spec");
        requireNonNull(revision, "revision");
    }

    static boolean isGit(String value) {
        return value.startsWith(PREFIX);
    }

    /** Parses {@code git:REV[:PATH]} given as {@code --before}; PATH is null when absent. */
    static GitRevision parse(String value) {
        return parse("--before", value);
    }

    /** Parses {@code git:REV[:PATH]} given to {@code option}; PATH is null when absent. */
    static GitRevision parse(String option, String value) {
        String rest = value.substring(PREFIX.length());
        int colon = rest.indexOf(':');
        String revision = colon < 0 ? rest : rest.substring(0, colon);
        String path = colon < 0 || colon == rest.length() - 1 ? null : rest.substring(colon + 1);
        if (revision.isEmpty()) {
            throw new UserError(List.of(option + " " + value + ": the revision is empty (git:REV[:PATH], e.g. git:origin/main)"),
                    Main.EXIT_USAGE);
        }
        return new GitRevision(option, value, revision, path);
    }

    /** The manifests ({@code *.yaml}, {@code *.yml}, {@code *.json}) at the revision, by name {@code git:REV:FILE}. */
    Map<String, String> read(Path near) {
        Path absolute = near.toAbsolutePath().normalize();
        Path dir = Files.isDirectory(absolute) ? absolute : absolute.getParent();
        Path top = Path.of(git(dir, "rev-parse", "--show-toplevel").strip());
        String inRepo = path != null ? path : top.relativize(absolute).toString().replace('\\', '/');
        List<String> files = new ArrayList<>();
        for (String name : git(top, "ls-tree", "-r", "-z", "--name-only", revision, "--", inRepo.isEmpty() ? "." : inRepo)
                .split("\0")) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json")) {
                files.add(name);
            }
        }
        if (files.isEmpty()) {
            throw new UserError(List.of(option + " " + spec + ": no YAML or JSON file under " + (inRepo.isEmpty() ? "." : inRepo)
                    + " at " + revision), Main.EXIT_USAGE);
        }
        Map<String, String> texts = new TreeMap<>();
        for (String file : files) {
            texts.put(PREFIX + revision + ":" + file, git(top, "cat-file", "blob", revision + ":" + file));
        }
        return texts;
    }

    /** Runs git in {@code dir}; a failure is a UserError (exit 2) with git's own message. */
    private String git(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).start();
            process.getOutputStream().close();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            String out = readAll(process.getInputStream());
            int exit = process.waitFor();
            if (exit != 0) {
                throw new UserError(List.of(option + " " + spec + ": git " + args[0] + " failed: "
                        + err.join().strip().replace('\n', ' ')), Main.EXIT_USAGE);
            }
            return out;
        } catch (IOException e) {
            throw new UserError(List.of(option + " " + spec + ": cannot run git: " + e.getMessage()), Main.EXIT_USAGE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError(List.of(option + " " + spec + ": interrupted while running git"), Main.EXIT_USAGE);
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
