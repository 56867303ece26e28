package io.reachproof.coordinator.api;

import static java.util.Objects.requireNonNull;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * TLS on the coordinator's API: its certificate chain and key (PEM files, e.g. a Secret that cert-manager
 * keeps), and optionally the CA that signs agents' client certificates. With a client CA every client must
 * present a certificate it signed (mutual TLS), checked in the handshake, before any HTTP is read; operator
 * tools ({@code gate}, {@code status}, Argo Rollouts) then need one too.
 *
 * @param certFile the server's certificate chain (PEM)
 * @param keyFile the server's private key (PEM, PKCS#8)
 * @param clientCaFile the CA of client certificates (PEM); empty: no client certificates asked for
 */
public record ServerTls(Path certFile, Path keyFile, Optional<Path> clientCaFile) {

    public ServerTls {
        requireNonNull(certFile, "certFile");
        requireNonNull(keyFile, "keyFile");
        requireNonNull(clientCaFile, "clientCaFile");
    }

    /**
     * The Netty context for these files.
     *
     * @throws IllegalArgumentException naming the file that is missing or does not hold what it should
     */
    public SslContext context() {
        for (Path p : clientCaFile.map(ca -> java.util.List.of(certFile, keyFile, ca)).orElse(java.util.List.of(certFile, keyFile))) {
            if (!Files.isReadable(p)) {
                throw new IllegalArgumentException("TLS file " + p + " cannot be read");
            }
        }
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(certFile.toFile(), keyFile.toFile());
            clientCaFile.ifPresent(ca -> builder.trustManager(ca.toFile()).clientAuth(ClientAuth.REQUIRE));
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("TLS files " + certFile + ", " + keyFile
                    + clientCaFile.map(ca -> ", " + ca).orElse("") + " do not make a TLS server: " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
