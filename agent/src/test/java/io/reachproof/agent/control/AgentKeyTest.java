package io.reachproof.agent.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentKeyTest {

    @TempDir
    Path spool;

    @Test
    void theFirstStartMakesAKeyOnlyTheAgentCanReadAndARestartFindsTheSameOne() throws Exception {
        String first = AgentKey.loadOrCreate(spool.resolve("spool"));

        assertThat(first).matches("[A-Za-z0-9_-]{43}");
        Path file = spool.resolve("spool").resolve(AgentKey.FILE_NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(AgentKey.loadOrCreate(spool.resolve("spool"))).isEqualTo(first);
        assertThat(AgentKey.loadOrCreate(spool.resolve("another-agent"))).isNotEqualTo(first);
    }

    @Test
    void aFileThatHoldsNoKeyIsAnErrorNamingIt() throws Exception {
        Files.writeString(spool.resolve(AgentKey.FILE_NAME), "short\n");

        assertThatThrownBy(() -> AgentKey.loadOrCreate(spool))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith("agent key " + spool.resolve(AgentKey.FILE_NAME) + ": holds no agent key");
    }
}
