package io.reachproof.agent.wire;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.reachproof.protocol.Responder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The responders' wire formats, shared by the responders that write them and the probers that read them.
 *
 * <ul>
 *   <li>TCP banner: the single line {@code reachproof/1 <agentId>\n}, written on accept, then the responder
 *       closes.</li>
 *   <li>UDP request: {@code "RPQ1"} (4 bytes), a 16-byte nonce, zero padding up to {@link #UDP_REQUEST_SIZE}
 *       bytes. UDP reply: {@code "RPA1"}, the nonce, one length byte, the agent id in UTF-8. A reply is sent
 *       only if it is no larger than the request that asked for it (no amplification).</li>
 *   <li>HTTP: {@code GET|HEAD /reachproof/identity} answers 200 with the identity JSON; every response carries
 *       the header {@code Reachproof-Agent: <agentId>}.</li>
 * </ul>
 */
public final class IdentityWire {

    /** Longest agent id in UTF-8 bytes (it must fit the UDP reply's length byte). */
    public static final int MAX_AGENT_ID_BYTES = 255;
    public static final String BANNER_PREFIX = "reachproof/1 ";
    /** Longest banner line a prober reads, without the line end. */
    public static final int MAX_BANNER_LENGTH = BANNER_PREFIX.length() + MAX_AGENT_ID_BYTES;
    public static final int NONCE_LENGTH = 16;
    public static final int UDP_REQUEST_SIZE = 512;
    public static final int UDP_HEADER_SIZE = 4 + NONCE_LENGTH;
    public static final String HTTP_IDENTITY_PATH = Responder.HTTP_IDENTITY_PATH;
    public static final String HTTP_AGENT_HEADER = "Reachproof-Agent";

    private static final byte[] REQUEST_MAGIC = "RPQ1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REPLY_MAGIC = "RPA1".getBytes(StandardCharsets.US_ASCII);

    private IdentityWire() {
    }

    /** Rejects an agent id that cannot be sent in every wire format. */
    public static String checkAgentId(String agentId) {
        requireNonNull(agentId, "agentId");
        int bytes = agentId.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_AGENT_ID_BYTES) {
            throw new IllegalArgumentException(
                    "agent id must be at most " + MAX_AGENT_ID_BYTES + " bytes in UTF-8, got " + bytes + ": " + agentId);
        }
        if (agentId.isBlank() || agentId.chars().anyMatch(c -> c == '\n' || c == '\r' || Character.isWhitespace(c))) {
            throw new IllegalArgumentException("agent id must be non-blank without whitespace: '" + agentId + "'");
        }
        return agentId;
    }

    public static String banner(String agentId) {
        return BANNER_PREFIX + agentId + "\n";
    }

    /** The agent id a banner line (without its line end) names, or empty if the line is no reachproof banner. */
    public static Optional<String> parseBanner(String line) {
        String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        if (!l.startsWith(BANNER_PREFIX) || l.length() == BANNER_PREFIX.length()) {
            return Optional.empty();
        }
        return Optional.of(l.substring(BANNER_PREFIX.length()));
    }

    /** Writes a padded UDP request carrying {@code nonce} into {@code out}. */
    public static void writeUdpRequest(ByteBuf out, byte[] nonce) {
        checkNonce(nonce);
        out.writeBytes(REQUEST_MAGIC).writeBytes(nonce).writeZero(UDP_REQUEST_SIZE - UDP_HEADER_SIZE);
    }

    /** The nonce of a UDP request, or empty if the datagram is no reachproof request. Does not move indexes. */
    public static Optional<byte[]> parseUdpRequest(ByteBuf in) {
        return parse(in, REQUEST_MAGIC, UDP_HEADER_SIZE);
    }

    /** The size of the reply that answers a request with {@code agentId}. */
    public static int udpReplySize(byte[] agentIdUtf8) {
        return UDP_HEADER_SIZE + 1 + agentIdUtf8.length;
    }

    public static void writeUdpReply(ByteBuf out, byte[] nonce, byte[] agentIdUtf8) {
        checkNonce(nonce);
        out.writeBytes(REPLY_MAGIC).writeBytes(nonce).writeByte(agentIdUtf8.length).writeBytes(agentIdUtf8);
    }

    /** A parsed UDP reply. */
    public record UdpReply(byte[] nonce, String agentId) {
        public boolean answers(byte[] expectedNonce) {
            return Arrays.equals(nonce, expectedNonce);
        }
    }

    /** The reply in a datagram, or empty if the datagram is no well-formed reachproof reply. Does not move indexes. */
    public static Optional<UdpReply> parseUdpReply(ByteBuf in) {
        Optional<byte[]> nonce = parse(in, REPLY_MAGIC, UDP_HEADER_SIZE + 1);
        if (nonce.isEmpty()) {
            return Optional.empty();
        }
        int at = in.readerIndex() + UDP_HEADER_SIZE;
        int length = in.getUnsignedByte(at);
        if (in.readableBytes() != UDP_HEADER_SIZE + 1 + length || length == 0) {
            return Optional.empty();
        }
        String id = in.toString(at + 1, length, StandardCharsets.UTF_8);
        return Optional.of(new UdpReply(nonce.get(), id));
    }

    private static Optional<byte[]> parse(ByteBuf in, byte[] magic, int minimum) {
        if (in.readableBytes() < minimum) {
            return Optional.empty();
        }
        int start = in.readerIndex();
        for (int i = 0; i < magic.length; i++) {
            if (in.getByte(start + i) != magic[i]) {
                return Optional.empty();
            }
        }
        byte[] nonce = new byte[NONCE_LENGTH];
        in.getBytes(start + magic.length, nonce);
        return Optional.of(nonce);
    }

    private static void checkNonce(byte[] nonce) {
        if (nonce.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("nonce must be " + NONCE_LENGTH + " bytes: " + nonce.length);
        }
    }
}
