package io.reachproof.policy;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/16}, {@code fd00::/64}). Parsed here
 * without any name lookup: the engine is pure.
 */
public final class Cidr {

    private final byte[] network;
    private final int prefix;
    private final String text;

    private Cidr(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /** Parses {@code ADDRESS/PREFIX}; empty when it is not a valid CIDR. */
    public static Optional<Cidr> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int slash = text.indexOf('/');
        if (slash < 0 || slash == text.length() - 1) {
            return Optional.empty();
        }
        byte[] address = parseAddress(text.substring(0, slash));
        if (address == null) {
            return Optional.empty();
        }
        String bits = text.substring(slash + 1);
        if (!bits.chars().allMatch(c -> c >= '0' && c <= '9') || bits.length() > 3) {
            return Optional.empty();
        }
        int prefix = Integer.parseInt(bits);
        if (prefix > address.length * 8) {
            return Optional.empty();
        }
        return Optional.of(new Cidr(mask(address, prefix), prefix, text));
    }

    /** Parses an IPv4 or IPv6 address literal to its bytes (4 or 16); null when it is not one. */
    public static byte[] parseAddress(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        return text.indexOf(':') >= 0 ? parseV6(text) : parseV4(text);
    }

    /** Whether the address (4 or 16 bytes) lies in this network. */
    public boolean contains(byte[] address) {
        return address.length == network.length && Arrays.equals(mask(address, prefix), network);
    }

    /** Whether {@code other} lies wholly inside this network. */
    public boolean contains(Cidr other) {
        return other.network.length == network.length && other.prefix >= prefix && contains(other.network);
    }

    /** The single address {@code address} (4 or 16 bytes) as a /32 or /128 network. */
    public static Cidr host(byte[] address) {
        if (address.length != 4 && address.length != 16) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes: " + address.length);
        }
        return new Cidr(address.clone(), address.length * 8, format(address) + "/" + address.length * 8);
    }

    /** Whether this network and {@code other} share an address. */
    public boolean overlaps(Cidr other) {
        return contains(other) || other.contains(this);
    }

    /** Whether this network is a single address. */
    public boolean isHost() {
        return prefix == network.length * 8;
    }

    /** The two halves of this network (one prefix bit longer); not for a single address. */
    public List<Cidr> halves() {
        if (isHost()) {
            throw new IllegalStateException("a single address has no halves: " + text);
        }
        byte[] upper = network.clone();
        upper[prefix / 8] |= (byte) (0x80 >>> (prefix % 8));
        return List.of(new Cidr(network.clone(), prefix + 1, format(network) + "/" + (prefix + 1)),
                new Cidr(upper, prefix + 1, format(upper) + "/" + (prefix + 1)));
    }

    /** The address part, {@code 10.0.0.0} for {@code 10.0.0.0/24}. */
    public String address() {
        return format(network);
    }

    private static String format(byte[] address) {
        if (address.length == 4) {
            return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "." + (address[3] & 0xff);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 16; i += 2) {
            if (i > 0) {
                out.append(':');
            }
            out.append(Integer.toHexString(((address[i] & 0xff) << 8) | (address[i + 1] & 0xff)));
        }
        return out.toString();
    }

    /** The prefix length: 24 for {@code 10.0.0.0/24}. */
    public int prefix() {
        return prefix;
    }

    /** The same network (address bits and prefix), however it was written. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }

    @Override
    public String toString() {
        return text;
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & (0xff << (8 - keep)));
        }
        return out;
    }

    private static byte[] parseV4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                return null;
            }
            out[i] = (byte) value;
        }
        return out;
    }

    private static byte[] parseV6(String text) {
        String body = text;
        byte[] v4Tail = null;
        int lastColon = body.lastIndexOf(':');
        if (body.indexOf('.', lastColon) >= 0) {
            v4Tail = parseV4(body.substring(lastColon + 1));
            if (v4Tail == null) {
                return null;
            }
            body = body.substring(0, lastColon + 1) + "0:0";
        }
        int gap = body.indexOf("::");
        if (gap >= 0 && body.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        String[] head = gap < 0 ? body.split(":", -1) : split(body.substring(0, gap));
        String[] tail = gap < 0 ? new String[0] : split(body.substring(gap + 2));
        int groups = head.length + tail.length;
        if (gap < 0 ? groups != 8 : groups > 7) {
            return null;
        }
        byte[] out = new byte[16];
        if (!fill(out, head, 0) || !fill(out, tail, 8 - tail.length)) {
            return null;
        }
        if (v4Tail != null) {
            System.arraycopy(v4Tail, 0, out, 12, 4);
        }
        return out;
    }

    private static String[] split(String groups) {
        return groups.isEmpty() ? new String[0] : groups.split(":", -1);
    }

    private static boolean fill(byte[] out, String[] groups, int firstGroup) {
        for (int i = 0; i < groups.length; i++) {
            String g = groups[i];
            if (g.isEmpty() || g.length() > 4 || !g.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                return false;
            }
            int value = Integer.parseInt(g, 16);
            out[(firstGroup + i) * 2] = (byte) (value >> 8);
            out[(firstGroup + i) * 2 + 1] = (byte) value;
        }
        return true;
    }
}
