package io.reachproof.yaml;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.text.similarity.LevenshteinDistance;

/** Suggests the valid name a misspelt one was probably meant to be. */
public final class NearestName {

    private static final LevenshteinDistance DISTANCE = LevenshteinDistance.getDefaultInstance();

    private NearestName() {
    }

    /**
     * The candidate closest to {@code name} (edit distance, ignoring case), when it is close enough to
     * be a likely typo: at most 2 edits, or a third of the name's length for longer names.
     */
    public static Optional<String> of(String name, Collection<String> candidates) {
        String lower = name.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = DISTANCE.apply(lower, c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        int limit = Math.max(2, name.length() / 3);
        return best != null && bestDistance <= limit && !best.equals(name) ? Optional.of(best) : Optional.empty();
    }

    /** {@code " (did you mean 'x'?)"} or {@code " (expected one of a, b, c)"}. */
    public static String hint(String name, Collection<String> candidates) {
        return of(name, candidates)
                .map(s -> " (did you mean '" + s + "'?)")
                .orElseGet(() -> candidates.isEmpty() ? "" : " (expected one of " + String.join(", ", candidates) + ")");
    }
}
