package airlock.daemon.listen.https;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The self-signed certificate: made once, kept (its fingerprint does not change), its key private, and OpenSSL reads it. */
class TlsIdentityTest {
    @TempDir Path tmp;

    @Test
    void madeOnceAndKeptAcrossLoads() throws Exception {
        Path api = tmp.resolve("api");
        TlsIdentity first = TlsIdentity.load(api, Optional.empty(), Optional.empty());
        TlsIdentity again = TlsIdentity.load(api, Optional.empty(), Optional.empty());
        assertThat(again.fingerprint()).isEqualTo(first.fingerprint()).matches("[0-9a-f]{64}");
        assertThat(TlsIdentity.fingerprintOf(api.resolve(TlsIdentity.CERT_FILE))).isEqualTo(first.fingerprint());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(api.resolve(TlsIdentity.KEY_FILE)))).isEqualTo("rw-------");
        assertThat(first.certificate().getSubjectAlternativeNames()).extracting(l -> l.get(1).toString())
                .contains("127.0.0.1", "localhost");
        first.certificate().checkValidity();
        assertThat(first.sslContext()).isNotNull();
        // the operator's own files are read the same way
        TlsIdentity given = TlsIdentity.load(tmp.resolve("elsewhere"), Optional.of(api.resolve("cert.pem")), Optional.of(api.resolve("key.pem")));
        assertThat(given.fingerprint()).isEqualTo(first.fingerprint());
    }

    /** OpenSSL is stricter about DER than the JDK: every certificate made must parse there too (serials, lengths, times). */
    @Test
    void openSslReadsEveryCertificateMade() throws Exception {
        for (int i = 0; i < 40; i++) {
            Path api = tmp.resolve("api" + i);
            TlsIdentity.load(api, Optional.empty(), Optional.empty());
            Process p = new ProcessBuilder("openssl", "x509", "-in", api.resolve("cert.pem").toString(), "-noout", "-fingerprint", "-sha256")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as(out).isZero();
            assertThat(out.replace(":", "").toLowerCase()).contains(TlsIdentity.fingerprintOf(api.resolve("cert.pem")));
        }
    }

    /**
     * DER's INTEGER is minimal: a serial whose first byte is 0x00 (followed by one under 0x80) is
     * refused by OpenSSL ("ASN1 lib" in Python's handshake) though the JDK reads it. One random
     * serial in 256 did that; 2000 certificates would show it with near certainty.
     */
    @Test
    void theSerialIsAlwaysAMinimalPositiveInteger() throws Exception {
        var g = java.security.KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        var pair = g.generateKeyPair();
        java.time.Instant now = java.time.Instant.parse("2026-12-06T00:00:00Z");
        byte[] head = {(byte) 0xa0, 3, 2, 1, 2, 2, 16}; // version 3, then INTEGER of 16 bytes
        for (int i = 0; i < 2000; i++) {
            byte[] der = TlsIdentity.selfSigned(pair, now, now.plusSeconds(86400));
            int at = indexOf(der, head) + head.length;
            assertThat(at).isGreaterThan(head.length);
            assertThat(der[at] & 0xff).as("first byte of the serial").isBetween(1, 0x7f);
        }
    }

    private static int indexOf(byte[] in, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= in.length; i++) {
            for (int j = 0; j < what.length; j++) if (in[i + j] != what[j]) continue outer;
            return i;
        }
        return -1;
    }
}
