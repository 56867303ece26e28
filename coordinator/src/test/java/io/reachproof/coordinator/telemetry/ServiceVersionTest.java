package io.reachproof.coordinator.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServiceVersionTest {

    @Test
    void theBuildStampsTheProjectVersion() {
        assertThat(ServiceVersion.current()).matches("\\d+\\.\\d+\\.\\d+(-[A-Za-z0-9.]+)?");
    }
}
