package io.reachproof.protocol;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How the wire values are spelled: verdicts in lower case ({@code allow}, {@code deny}, {@code inconclusive}),
 * outcomes, mismatch kinds, inconclusive reasons and protocols in upper case as their enum names
 * ({@code CONNECTED}, {@code HOLE}, {@code NO_AGENTS}, {@code TCP}). Each enum states its spelling once (its
 * {@code @JsonValue}); reading accepts any case, so an older peer or file still reads.
 */
final class Spelling {

    private Spelling() {
    }

    static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** The value of {@code values} spelled {@code text} in any case; an error naming {@code what} and the valid spellings otherwise. */
    static <E extends Enum<E>> E parse(String what, E[] values, Function<E, String> spelling, String text) {
        if (text != null) {
            for (E v : values) {
                if (spelling.apply(v).equalsIgnoreCase(text.trim())) {
                    return v;
                }
            }
        }
        throw new IllegalArgumentException("unknown " + what + " " + (text == null ? "null" : "'" + text + "'") + ", expected one of "
                + Arrays.stream(values).map(spelling).collect(Collectors.joining(", ")));
    }
}
