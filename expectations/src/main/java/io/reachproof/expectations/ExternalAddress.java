package io.reachproof.expectations;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks what an {@code external} group may hold: an IPv4 or IPv6 address or CIDR, or a DNS host name.
 * Pure text checks: nothing is resolved.
 */
final class ExternalAddress {

    private static final Pattern HOST_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern IPV4_LIKE = Pattern.compile("[0-9.]+");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");

    private ExternalAddress() {
    }

    /** Empty when {@code text} is a valid CIDR, address or host name; otherwise why it is not. */
    static Optional<String> problem(String text) {
        int slash = text.indexOf('/');
        if (slash >= 0) {
            String address = text.substring(0, slash);
            String prefix = text.substring(slash + 1);
            boolean v6 = address.contains(":");
            Optional<String> bad = v6 ? ipv6Problem(address) : ipv4Problem(address);
            if (bad.isPresent()) {
                return bad;
            }
            int max = v6 ? 128 : 32;
            if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > max) {
                return Optional.of("prefix length '" + prefix + "' is outside 0.." + max);
            }
            return Optional.empty();
        }
        if (text.contains(":")) {
            return ipv6Problem(text);
        }
        if (IPV4_LIKE.matcher(text).matches()) {
            return ipv4Problem(text);
        }
        return hostNameProblem(text);
    }

    private static Optional<String> ipv4Problem(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.of("'" + text + "' is not an IPv4 address (4 numbers 0..255 separated by dots)");
        }
        for (String p : parts) {
            if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > 255) {
                return Optional.of("'" + text + "' is not an IPv4 address (4 numbers 0..255 separated by dots)");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> ipv6Problem(String text) {
        Optional<String> bad = Optional.of("'" + text + "' is not an IPv6 address");
        String body = text;
        int lastColon = text.lastIndexOf(':');
        if (text.indexOf('.', lastColon) >= 0) {
            // an IPv4 tail such as ::ffff:10.0.0.1 stands for the last two groups
            if (ipv4Problem(text.substring(lastColon + 1)).isPresent()) {
                return bad;
            }
            body = text.substring(0, lastColon + 1) + "0:0";
        }
        int gap = body.indexOf("::");
        if (gap >= 0 && body.indexOf("::", gap + 1) >= 0) {
            return bad;
        }
        String[] halves = gap >= 0 ? new String[] {body.substring(0, gap), body.substring(gap + 2)} : new String[] {body};
        int groups = 0;
        for (String half : halves) {
            if (half.isEmpty()) {
                continue;
            }
            for (String group : half.split(":", -1)) {
                if (!HEX_GROUP.matcher(group).matches()) {
                    return bad;
                }
                groups++;
            }
        }
        return (gap >= 0 ? groups <= 7 : groups == 8) ? Optional.empty() : bad;
    }

    private static Optional<String> hostNameProblem(String text) {
        String name = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        if (name.isEmpty() || name.length() > 253) {
            return Optional.of("'" + text + "' is not a host name");
        }
        for (String label : name.split("\\.", -1)) {
            if (!HOST_LABEL.matcher(label).matches()) {
                return Optional.of("'" + text + "' is neither a CIDR nor a host name (labels of letters, digits and '-')");
            }
        }
        return Optional.empty();
    }
}
