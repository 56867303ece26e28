package io.reachproof.coordinator.rollback;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code X-Reachproof-Signature} header: {@code t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>}.
 * The timestamp is inside the signed text so a captured request cannot be replayed later than the
 * receiver's tolerance; the receiver de-duplicates by idempotency key within that tolerance.
 */
public final class WebhookSignature {

    public static final String HEADER = "X-Reachproof-Signature";

    /** What a receiver concludes about a request; outcomes are data, not exceptions. */
    public enum Verification {
        VALID,
        /** The header is missing or not {@code t=...,v1=...}. */
        MALFORMED,
        /** The timestamp is further from now than the tolerance. */
        STALE,
        /** No {@code v1} value matches the body under the secret. */
        BAD_SIGNATURE
    }

    private WebhookSignature() {
    }

    /** The header value for {@code body} sent at {@code unixSeconds}. */
    public static String header(byte[] secret, long unixSeconds, byte[] body) {
        return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(hmac(secret, unixSeconds, body));
    }

    /** Checks a received header; several {@code v1=} values (secret rotation) are allowed. */
    public static Verification verify(byte[] secret, String header, byte[] body, long nowUnixSeconds,
            Duration tolerance) {
        requireNonNull(secret, "secret");
        requireNonNull(body, "body");
        if (header == null) {
            return Verification.MALFORMED;
        }
        Long t = null;
        List<String> signatures = new ArrayList<>();
        for (String part : header.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2) {
                return Verification.MALFORMED;
            }
            if (kv[0].equals("t")) {
                try {
                    t = Long.parseLong(kv[1]);
                } catch (NumberFormatException e) {
                    return Verification.MALFORMED;
                }
            } else if (kv[0].equals("v1")) {
                signatures.add(kv[1]);
            }
        }
        if (t == null || signatures.isEmpty()) {
            return Verification.MALFORMED;
        }
        if (Math.abs(nowUnixSeconds - t) > tolerance.toSeconds()) {
            return Verification.STALE;
        }
        byte[] expected = HexFormat.of().formatHex(hmac(secret, t, body)).getBytes(StandardCharsets.US_ASCII);
        for (String s : signatures) {
            if (MessageDigest.isEqual(expected, s.getBytes(StandardCharsets.US_ASCII))) {
                return Verification.VALID;
            }
        }
        return Verification.BAD_SIGNATURE;
    }

    private static byte[] hmac(byte[] secret, long unixSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((unixSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable: " + e.getMessage(), e);
        }
    }
}
