package io.reachproof.coordinator.drift;

import static java.util.Objects.requireNonNull;

import io.reachproof.policy.PolicyDrift;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A policy of a sync group drifted ({@code resolved} false: newly, or differently than before), or its drift ended
 * ({@code resolved} true; {@code entry} is the drift that ended). The idempotency key ({@code rpd-} + 32 hex digits
 * of SHA-256 over the group, the policy, the state and the drift) repeats for the same drift, so a receiver acts
 * once per key.
 */
public record DriftSignal(String idempotencyKey, String group, boolean resolved, PolicyDrift.Entry entry,
        long atEpochMillis) {

    public DriftSignal {
        requireNonNull(idempotencyKey, "idempotencyKey");
        requireNonNull(group, "group");
        requireNonNull(entry, "entry");
    }

    static DriftSignal of(String group, boolean resolved, PolicyDrift.Entry entry, long atEpochMillis) {
        StringBuilder text = new StringBuilder("drift-v1\n").append(group).append('\n').append(entry.namespace())
                .append('/').append(entry.name()).append('\n').append(resolved ? "resolved" : "drifted").append('\n');
        entry.clusters().forEach((c, s) -> text.append(c).append('=').append(s.spelling()).append('\n'));
        entry.fields().forEach(f -> text.append(f).append('\n'));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return new DriftSignal("rpd-" + HexFormat.of().formatHex(digest, 0, 16), group, resolved, entry, atEpochMillis);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** The clusters where the policy is not as its reference: missing, different or extra. */
    public List<String> drifted() {
        return entry.clusters().entrySet().stream().filter(e -> drifted(e.getValue())).map(Map.Entry::getKey).toList();
    }

    static boolean drifted(PolicyDrift.State state) {
        return state == PolicyDrift.State.MISSING || state == PolicyDrift.State.DIFFERS || state == PolicyDrift.State.EXTRA;
    }

    /** One line for people: {@code shop/web-deny of sync group shop: differs in gcp (reference aws-lab); 4 cells}. */
    public String describe() {
        StringBuilder out = new StringBuilder(entry.namespace() + "/" + entry.name() + " of sync group " + group + ": ");
        if (resolved) {
            return out.append("in sync again (was drifted in ").append(String.join(", ", drifted())).append(")").toString();
        }
        List<String> parts = new java.util.ArrayList<>();
        for (PolicyDrift.State s : List.of(PolicyDrift.State.DIFFERS, PolicyDrift.State.MISSING, PolicyDrift.State.EXTRA)) {
            List<String> in = entry.in(s);
            if (!in.isEmpty()) {
                parts.add(s.spelling() + " in " + String.join(", ", in));
            }
        }
        return out.append(String.join("; ", parts)).append(" (reference: ").append(entry.reference()).append("); ")
                .append(entry.cellsAffected()).append(" cells affected").toString();
    }
}
