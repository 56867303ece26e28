package io.reachproof.cli;

import io.netty.util.NetUtil;
import io.reachproof.protocol.Protocol;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** A probe target from the command line: {@code tcp://HOST:PORT}, {@code udp://HOST:PORT}, {@code http://HOST:PORT/PATH}. */
record ProbeTarget(String text, Protocol protocol, String host, int port, String path) {

    static final String FORMS = "expected tcp://HOST:PORT, udp://HOST:PORT or http://HOST:PORT/PATH";

    /** Parses a target, or throws {@link IllegalArgumentException} naming it. */
    static ProbeTarget parse(String text) {
        String bad = "bad target '" + text + "': " + FORMS;
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(bad);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        int port = uri.getPort();
        if (!scheme.equals("tcp") && !scheme.equals("udp") && !scheme.equals("http")) {
            throw new IllegalArgumentException(bad);
        }
        if (scheme.equals("http") && port == -1 && host != null) {
            port = 80;
        }
        if (host == null || host.isEmpty() || port < 1 || port > 65535 || uri.getUserInfo() != null
                || uri.getQuery() != null && !scheme.equals("http") || uri.getFragment() != null) {
            throw new IllegalArgumentException(bad);
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (!scheme.equals("http") && !path.equals("/")) {
            throw new IllegalArgumentException(bad);
        }
        if (uri.getRawQuery() != null) {
            path = path + "?" + uri.getRawQuery();
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
            if (!NetUtil.isValidIpV6Address(host)) {
                throw new IllegalArgumentException(bad);
            }
        }
        return new ProbeTarget(text.trim(), Protocol.parse(scheme), host, port,
                scheme.equals("http") ? path : null);
    }
}
