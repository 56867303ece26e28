package io.reachproof.expectations;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExternalAddressTest {

    @ParameterizedTest(name = "accepts {0}")
    @ValueSource(strings = {"169.254.169.254/32", "0.0.0.0/0", "10.0.0.1", "::/0", "::1", "fd00:ec2::254/128",
        "2001:db8:0:0:0:0:0:1", "::ffff:10.0.0.1", "64:ff9b::192.0.2.33/120", "api.stripe.com", "metadata.google.internal",
        "localhost", "example.com."})
    void acceptsAddressesCidrsAndHostNames(String text) {
        assertThat(ExternalAddress.problem(text)).isEmpty();
    }

    @ParameterizedTest(name = "rejects {0}")
    @ValueSource(strings = {"10.0.0.0/33", "10.0.0.256", "10.0.0", "1.2.3.4.5", "10.0.0.0/", "10.0.0.0/x", "::/129", "1:2:3:4:5:6:7",
        "1:2:3:4:5:6:7:8:9", "1::2::3", "::ffff:10.0.0.300", "gggg::1", "-bad.example.com", "a..b", "under_score.io", ""})
    void rejectsWhatIsNeither(String text) {
        assertThat(ExternalAddress.problem(text)).isPresent();
    }
}
