package io.reachproof.coordinator.telemetry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The reachproof version this build carries ({@code service.version}), from a resource Maven filters. */
public final class ServiceVersion {

    private static final String RESOURCE = "version.properties";

    private ServiceVersion() {
    }

    /** The project version, e.g. {@code 0.1.0-SNAPSHOT}; {@code unknown} when the build did not stamp it. */
    public static String current() {
        try (InputStream in = ServiceVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "");
            return v.isBlank() || v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
