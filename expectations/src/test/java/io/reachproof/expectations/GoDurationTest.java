package io.reachproof.expectations;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {

    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource({"30s, 30000", "1m30s, 90000", "500ms, 500", "2h, 7200000", "1.5s, 1500", "1h2m3s4ms, 3723004", ".5m, 30000",
        "0s, 0", "2000us, 2", "3000000ns, 3"})
    void parsesGoDurations(String text, long millis) {
        assertThat(GoDuration.parse(text)).contains(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "rejects \"{0}\"")
    @ValueSource(strings = {"", "30", "30 s", "s", "-5s", "+5s", "5d", "1m 30s", "1.2.3s", "99999999999h"})
    void rejectsWhatGoRejectsAndSigns(String text) {
        assertThat(GoDuration.parse(text)).isEmpty();
    }

    @ParameterizedTest(name = "{0} ms prints as {1}")
    @CsvSource({"30000, 30s", "90000, 1m30s", "500, 500ms", "7200000, 2h", "3723004, 1h2m3s4ms", "0, 0s"})
    void formatsTheShortestGoSpellingThatParsesBack(long millis, String text) {
        assertThat(GoDuration.format(Duration.ofMillis(millis))).isEqualTo(text);
        assertThat(GoDuration.parse(text)).contains(Duration.ofMillis(millis));
    }
}
