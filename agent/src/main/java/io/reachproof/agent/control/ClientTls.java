package io.reachproof.agent.control;

import static java.util.Objects.requireNonNull;

import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * How the agent speaks TLS to an {@code https://} coordinator: the CA it trusts for the coordinator's certificate
 * (default: the JVM's) and, for mutual TLS, its own client certificate and key (PEM files, e.g. from a Secret that
 * cert-manager keeps).
 */
public record ClientTls(Optional<Path> caFile, Optional<Path> certFile, Optional<Path> keyFile) {

    public static final ClientTls DEFAULT = new ClientTls(Optional.empty(), Optional.empty(), Optional.empty());

    public ClientTls {
        requireNonNull(caFile, "caFile");
        requireNonNull(certFile, "certFile");
        requireNonNull(keyFile, "keyFile");
        if (certFile.isPresent() != keyFile.isPresent()) {
            throw new IllegalArgumentException("a client certificate needs its key and a key its certificate");
        }
    }

    /**
     * The JDK context for these files (for {@link java.net.http.HttpClient}).
     *
     * @throws IllegalArgumentException naming the files when they cannot be read or make no TLS client
     */
    public SSLContext sslContext() {
        List<Path> files = new ArrayList<>();
        caFile.ifPresent(files::add);
        certFile.ifPresent(files::add);
        keyFile.ifPresent(files::add);
        for (Path p : files) {
            if (!Files.isReadable(p)) {
                throw new IllegalArgumentException("TLS file " + p + " cannot be read");
            }
        }
        try {
            SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
            caFile.ifPresent(ca -> builder.trustManager(ca.toFile()));
            if (certFile.isPresent()) {
                builder.keyManager(certFile.get().toFile(), keyFile.get().toFile());
            }
            SslContext context = builder.build();
            return ((JdkSslContext) context).context();
        } catch (SSLException | IllegalArgumentException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new IllegalArgumentException("TLS files " + files + " do not make a TLS client: " + root.getMessage(), e);
        }
    }
}
