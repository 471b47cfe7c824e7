package airlock.daemon.listen.https;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The API's TLS certificate and key: the operator's PEM files ({@code [api] cert}, {@code key}),
 * or a self-signed one made once in {@code <config>/api/} ({@code cert.pem} and {@code key.pem},
 * both 0600) and kept across restarts, so a client's pinned fingerprint stays valid. The JDK has no
 * public API that writes a certificate, and running {@code keytool} would tie the daemon to a
 * full JDK's binaries, so the few DER structures of an ECDSA P-256 X.509 v3 certificate are
 * written here and signed with the JDK's {@link Signature}; the JDK's own
 * {@link CertificateFactory} then parses it back, which checks what was written.
 */
public record TlsIdentity(X509Certificate certificate, PrivateKey key) {
    public static final String CERT_FILE = "cert.pem";
    public static final String KEY_FILE = "key.pem";

    /** Reads the operator's files, or this directory's self-signed pair, making it the first time. */
    public static TlsIdentity load(Path apiDir, java.util.Optional<Path> certFile, java.util.Optional<Path> keyFile)
            throws IOException, GeneralSecurityException {
        if (certFile.isPresent() && keyFile.isPresent()) return read(certFile.get(), keyFile.get());
        Path cert = apiDir.resolve(CERT_FILE), key = apiDir.resolve(KEY_FILE);
        if (!Files.exists(cert, LinkOption.NOFOLLOW_LINKS)) create(apiDir);
        return read(cert, key);
    }

    /** The SHA-256 of the certificate's DER, lowercase hex without colons. */
    public String fingerprint() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fingerprint of a PEM certificate file, for {@code airlock api info}. */
    public static String fingerprintOf(Path certFile) throws IOException, GeneralSecurityException {
        try (var in = Files.newInputStream(certFile)) {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        }
    }

    public SSLContext sslContext() throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] none = new char[0];
        ks.setKeyEntry("airlock-api", key, none, new java.security.cert.Certificate[]{certificate});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, none);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, new SecureRandom());
        return ctx;
    }

    static TlsIdentity read(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
        X509Certificate cert;
        try (var in = Files.newInputStream(certFile)) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (NoSuchFileException e) {
            throw new IOException("airlock: api: the certificate " + certFile + " is missing");
        }
        String pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IOException("airlock: api: " + keyFile + " holds no unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----);"
                    + " convert it with: openssl pkcs8 -topk8 -nocrypt");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        String alg = cert.getPublicKey().getAlgorithm();
        PrivateKey key = KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
        java.util.Arrays.fill(der, (byte) 0);
        return new TlsIdentity(cert, key);
    }

    static void create(Path apiDir) throws IOException, GeneralSecurityException {
        ApiKeys.createPrivateDirectory(apiDir);
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = g.generateKeyPair();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        byte[] cert = selfSigned(pair, now.minus(1, ChronoUnit.DAYS), now.plus(3650, ChronoUnit.DAYS));
        Path key = apiDir.resolve(KEY_FILE);
        Files.deleteIfExists(key);
        // the key first, 0600 from its creation; the certificate last, so its presence means both are whole
        ApiKeys.writeNew(key, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        ApiKeys.writeAtomically(apiDir.resolve(CERT_FILE), pem("CERTIFICATE", cert));
    }

    private static byte[] pem(String type, byte[] der) {
        return ("-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII);
    }

    // --- DER, only what one certificate needs ---

    private static final byte[] ECDSA_SHA256 = oid(1, 2, 840, 10045, 4, 3, 2);

    static byte[] selfSigned(KeyPair pair, Instant notBefore, Instant notAfter) throws GeneralSecurityException {
        byte[] algorithm = seq(ECDSA_SHA256);
        byte[] name = seq(set(seq(oid(2, 5, 4, 3), tlv(0x0c, "airlock api".getBytes(StandardCharsets.UTF_8)))));
        byte[] serial = new byte[16];
        new SecureRandom().nextBytes(serial);
        // a positive INTEGER in its minimal form (a leading 0x00 byte would be a DER error OpenSSL refuses)
        serial[0] = (byte) ((serial[0] & 0x3f) | 0x40);
        // subjectAltName: IP 127.0.0.1, IP ::1, DNS localhost (a client that checks names can still connect on loopback)
        byte[] san = seq(tlv(0x87, new byte[]{127, 0, 0, 1}), tlv(0x87, ipv6Loopback()), tlv(0x82, "localhost".getBytes(StandardCharsets.US_ASCII)));
        byte[] extensions = tlv(0xa3, seq(seq(oid(2, 5, 29, 17), tlv(0x04, san))));
        byte[] tbs = seq(tlv(0xa0, tlv(0x02, new byte[]{2})), tlv(0x02, serial), algorithm, name,
                seq(time(notBefore), time(notAfter)), name, pair.getPublic().getEncoded(), extensions);
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(pair.getPrivate());
        s.update(tbs);
        byte[] signature = s.sign();
        byte[] bits = new byte[signature.length + 1]; // BIT STRING: no unused bits
        System.arraycopy(signature, 0, bits, 1, signature.length);
        byte[] der = seq(tbs, algorithm, tlv(0x03, bits));
        // parsed back by the JDK: a mistake here fails now, not in a client's handshake
        ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der))).verify(pair.getPublic());
        return der;
    }

    private static byte[] ipv6Loopback() {
        byte[] b = new byte[16];
        b[15] = 1;
        return b;
    }

    private static byte[] time(Instant t) {
        // RFC 5280: UTCTime through 2049, GeneralizedTime from 2050
        var z = t.atZone(ZoneOffset.UTC);
        if (z.getYear() < 2050) return tlv(0x17, DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").format(z).getBytes(StandardCharsets.US_ASCII));
        return tlv(0x18, DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").format(z).getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] oid(int... arcs) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(arcs[0] * 40 + arcs[1]);
        for (int i = 2; i < arcs.length; i++) {
            int v = arcs[i];
            int groups = 1;
            while ((v >>> (7 * groups)) != 0) groups++;
            for (int g = groups - 1; g >= 0; g--) b.write(((v >>> (7 * g)) & 0x7f) | (g > 0 ? 0x80 : 0));
        }
        return tlv(0x06, b.toByteArray());
    }

    private static byte[] seq(byte[]... parts) {
        return tlv(0x30, concat(parts));
    }

    private static byte[] set(byte[]... parts) {
        return tlv(0x31, concat(parts));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) b.writeBytes(p);
        return b.toByteArray();
    }

    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(tag);
        int n = value.length;
        if (n < 128) {
            b.write(n);
        } else {
            byte[] len = BigInteger.valueOf(n).toByteArray();
            int skip = len[0] == 0 ? 1 : 0;
            b.write(0x80 | (len.length - skip));
            b.write(len, skip, len.length - skip);
        }
        b.writeBytes(value);
        return b.toByteArray();
    }

    @Override
    public String toString() {
        return "TlsIdentity[" + certificate.getSubjectX500Principal() + ", sha256 " + fingerprint() + "]";
    }
}
