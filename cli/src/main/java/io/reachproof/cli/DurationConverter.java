package io.reachproof.cli;

import io.reachproof.expectations.GoDuration;
import java.time.Duration;
import picocli.CommandLine;

/** A positive duration spelled as in expectation files ({@code 500ms}, {@code 30s}, {@code 2m}, {@code 1m30s}). */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        Duration d = GoDuration.parse(value.trim()).orElseThrow(() -> new CommandLine.TypeConversionException(
                "'" + value + "' is not a duration (use e.g. 500ms, 30s, 2m, 1h)"));
        if (d.isZero()) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a positive duration");
        }
        return d;
    }
}
