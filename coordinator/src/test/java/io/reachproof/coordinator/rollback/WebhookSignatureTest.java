package io.reachproof.coordinator.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import io.reachproof.coordinator.rollback.WebhookSignature.Verification;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    private static final byte[] SECRET = "secret".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BODY = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

    @Test
    void headerIsTimestampAndHexHmacOfTimestampDotBody() {
        // echo -n '1700000000.{"a":1}' | openssl dgst -sha256 -hmac secret
        assertThat(WebhookSignature.header(SECRET, 1_700_000_000L, BODY)).isEqualTo(
                "t=1700000000,v1=49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686");
    }

    @Test
    void aFreshSignatureVerifies() {
        String header = WebhookSignature.header(SECRET, 1000, BODY);
        assertThat(WebhookSignature.verify(SECRET, header, BODY, 1200, FIVE_MINUTES)).isEqualTo(Verification.VALID);
    }

    @Test
    void anOldSignatureIsStale() {
        String header = WebhookSignature.header(SECRET, 1000, BODY);
        assertThat(WebhookSignature.verify(SECRET, header, BODY, 1301, FIVE_MINUTES)).isEqualTo(Verification.STALE);
    }

    @Test
    void aChangedBodyOrSecretIsABadSignature() {
        String header = WebhookSignature.header(SECRET, 1000, BODY);
        assertThat(WebhookSignature.verify(SECRET, header, "{\"a\":2}".getBytes(StandardCharsets.UTF_8), 1000,
                FIVE_MINUTES)).isEqualTo(Verification.BAD_SIGNATURE);
        assertThat(WebhookSignature.verify("other".getBytes(StandardCharsets.UTF_8), header, BODY, 1000,
                FIVE_MINUTES)).isEqualTo(Verification.BAD_SIGNATURE);
    }

    @Test
    void anyOfSeveralSignaturesMayMatchDuringSecretRotation() {
        String v1 = WebhookSignature.header(SECRET, 1000, BODY).substring("t=1000,".length());
        assertThat(WebhookSignature.verify(SECRET, "t=1000,v1=00ff," + v1, BODY, 1000, FIVE_MINUTES))
                .isEqualTo(Verification.VALID);
    }

    @Test
    void missingOrGarbledHeadersAreMalformed() {
        assertThat(WebhookSignature.verify(SECRET, null, BODY, 1000, FIVE_MINUTES)).isEqualTo(Verification.MALFORMED);
        assertThat(WebhookSignature.verify(SECRET, "t=abc,v1=00", BODY, 1000, FIVE_MINUTES))
                .isEqualTo(Verification.MALFORMED);
        assertThat(WebhookSignature.verify(SECRET, "t=1000", BODY, 1000, FIVE_MINUTES))
                .isEqualTo(Verification.MALFORMED);
        assertThat(WebhookSignature.verify(SECRET, "sha256=abc", BODY, 1000, FIVE_MINUTES))
                .isEqualTo(Verification.MALFORMED);
    }
}
