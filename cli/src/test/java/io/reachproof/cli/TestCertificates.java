package io.reachproof.cli;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A CA and certificates it signs, written as PEM files, made fresh for a test (BouncyCastle). */
final class TestCertificates {

    private final KeyPair caKeys;
    private final X509Certificate ca;
    private final Path dir;
    private long serial = 1;

    /** A new CA named {@code name}, its certificate in {@code dir/NAME-ca.crt}. */
    TestCertificates(Path dir, String name) {
        this.dir = dir;
        this.caKeys = keys();
        this.ca = sign(new X500Name("CN=" + name), caKeys, caKeys.getPrivate(), new X500Name("CN=" + name), true);
        write(dir.resolve(name + "-ca.crt"), ca);
    }

    Path caFile(String name) {
        return dir.resolve(name + "-ca.crt");
    }

    /** A certificate for {@code cn} signed by this CA (valid for 127.0.0.1); writes {@code cn.crt} and {@code cn.key}. */
    Path[] issue(String cn) {
        KeyPair keys = keys();
        X509Certificate cert = sign(new X500Name("CN=" + cn), keys, caKeys.getPrivate(),
                new X500Name(ca.getSubjectX500Principal().getName()), false);
        Path crt = dir.resolve(cn + ".crt");
        Path key = dir.resolve(cn + ".key");
        write(crt, cert);
        try (StringWriter out = new StringWriter(); JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(new JcaPKCS8Generator(keys.getPrivate(), null));
            pem.flush();
            Files.writeString(key, out.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Path[] {crt, key};
    }

    private static KeyPair keys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private X509Certificate sign(X500Name subject, KeyPair keys, PrivateKey issuerKey, X500Name issuer, boolean isCa) {
        try {
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(serial++),
                    Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)), subject,
                    keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            if (!isCa) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress()),
                        new GeneralName(GeneralName.dNSName, "localhost")}));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(Path file, Object pemObject) {
        try (StringWriter out = new StringWriter(); JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(pemObject);
            pem.flush();
            Files.writeString(file, out.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
