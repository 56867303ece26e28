package io.reachproof.coordinator.report;

import io.reachproof.expectations.GoDuration;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A point in time as {@code --since} and {@code --until} (and {@code /v1/report}'s {@code since}, {@code until}) take
 * it: an ISO-8601 instant ({@code 2026-11-01T10:00:00Z}), a day ({@code 2026-11-01}, midnight UTC), or a time ago
 * ({@code 30d}, {@code 12h}, {@code 90m}).
 */
public final class ReportTime {

    private static final Pattern DAYS = Pattern.compile("(\\d{1,5})d");

    private ReportTime() {
    }

    /** {@code text} relative to {@code now}; an unreadable text names the three accepted forms. */
    public static Instant parse(String text, Instant now) {
        Matcher days = DAYS.matcher(text);
        if (days.matches()) {
            return now.minus(Duration.ofDays(Long.parseLong(days.group(1))));
        }
        Optional<Duration> ago = GoDuration.parse(text);
        if (ago.isPresent()) {
            return now.minus(ago.get());
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notInstant) {
            try {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException notDay) {
                throw new IllegalArgumentException("not a time: " + text
                        + " (an instant like 2026-11-01T10:00:00Z, a day like 2026-11-01, or a time ago like 30d or 12h)");
            }
        }
    }
}
