package io.reachproof.expectations;

import static java.util.Objects.requireNonNull;

/**
 * What an HTTP probe sends and accepts: a request {@code method path}, and a response status in
 * {@code [statusMin, statusMax]} (the default {@code 2xx} is 200..299).
 */
public record HttpCheck(String path, String method, int statusMin, int statusMax) {

    public static final HttpCheck DEFAULT = new HttpCheck("/", "GET", 200, 299);

    public HttpCheck {
        requireNonNull(path, "path");
        requireNonNull(method, "method");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/': " + path);
        }
        if (statusMin < 100 || statusMax > 599 || statusMin > statusMax) {
            throw new IllegalArgumentException("status range must lie in 100..599: " + statusMin + ".." + statusMax);
        }
    }

    public boolean accepts(int status) {
        return status >= statusMin && status <= statusMax;
    }
}
