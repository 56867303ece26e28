package io.reachproof.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The project's version, as the parent pom states it, and the release it leads to (without -SNAPSHOT). */
final class ProjectVersion {

    static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    private static final Pattern PARENT_VERSION =
            Pattern.compile("<artifactId>reachproof-parent</artifactId>\\s*<version>([^<]+)</version>");

    private ProjectVersion() {
    }

    static String current() {
        try {
            Matcher m = PARENT_VERSION.matcher(Files.readString(ROOT.resolve("pom.xml")));
            if (!m.find()) {
                throw new IllegalStateException("no reachproof-parent version in " + ROOT.resolve("pom.xml"));
            }
            return m.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String release() {
        return current().replace("-SNAPSHOT", "");
    }
}
