package io.reachproof.agent.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The agent's own key: 256 random bits, made on the agent's first start and kept in its spool directory
 * ({@value #FILE_NAME}, readable by the agent's user only). The agent presents it on every call
 * ({@link io.reachproof.protocol.ProtocolV1#AGENT_KEY_HEADER}); the coordinator binds the agent id to it,
 * so a restarted agent proves it is the same one and no other agent can speak for it.
 */
public final class AgentKey {

    static final String FILE_NAME = "agent.key";
    private static final int KEY_BYTES = 32;

    private AgentKey() {
    }

    /**
     * The key kept in {@code spoolDir}, made there first when there is none.
     *
     * @throws UncheckedIOException naming the file when it cannot be read or written, or holds no valid key
     */
    public static String loadOrCreate(Path spoolDir) {
        Path file = spoolDir.resolve(FILE_NAME);
        try {
            Files.createDirectories(spoolDir);
            if (!Files.exists(file)) {
                try {
                    create(file);
                } catch (FileAlreadyExistsException raced) {
                    // another agent process in the same directory made it first: use theirs
                }
            }
            String key = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (!key.matches("[A-Za-z0-9_-]{32,128}")) {
                throw new IOException("holds no agent key (32..128 characters of [A-Za-z0-9_-]); delete it and the"
                        + " agent makes a new one, under which it must wait for its old registration to expire");
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("agent key " + file + ": " + e.getMessage(), e);
        }
    }

    private static void create(Path file) throws IOException {
        byte[] bytes = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(bytes);
        byte[] text = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).getBytes(StandardCharsets.US_ASCII);
        Path tmp = file.resolveSibling(FILE_NAME + ".new");
        Files.deleteIfExists(tmp);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            FileAttribute<?> ownerOnly = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
            Files.createFile(tmp, ownerOnly);
        } else {
            Files.createFile(tmp);
        }
        Files.write(tmp, text, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        Files.createLink(file, tmp);
        Files.delete(tmp);
    }
}
