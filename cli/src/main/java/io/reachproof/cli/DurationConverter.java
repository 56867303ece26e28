package io.reachproof.cli;

import io.reachproof.expectations.GoDuration;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine;

/** A flag's positive duration of at least a millisecond, spelled as everywhere in reachproof: {@code 500ms}, {@code 1s}, {@code 1m30s}. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        Optional<Duration> d = GoDuration.parse(value.trim());
        if (d.isEmpty() || d.get().toMillis() < 1) {
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a positive duration like 500ms, 1s or 2m");
        }
        return d.get();
    }
}
