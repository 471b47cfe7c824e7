package airlock.daemon.listen.https;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 9421 signature bases against the RFC's own test vectors (appendix B.2: the signature
 * bases of B.2.3 and B.2.5 byte for byte, and the hmac-sha256 signature of B.2.5), then the API's
 * policy on top: every refusal, each with its own reason.
 */
class RequestVerifierTest {
    /** RFC 9421 appendix B.1.5, the shared secret "test-shared-secret". */
    static final byte[] RFC_SHARED_SECRET = Base64.getDecoder().decode(
            "uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ==");
    static final long NOW = 1_800_000_000L;
    static final String KEY_ID = "ark_0123456789";
    static final String SECRET = "canary-api-secret-Zq8Xv3";

    /** The request of RFC 9421 appendix B.2 (the test request of B.2, with its sha-512 Content-Digest). */
    static SignedRequest rfcRequest(Map<String, String> extra) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        h.put("Host", List.of("example.com"));
        h.put("Date", List.of("Tue, 20 Apr 2021 02:07:55 GMT"));
        h.put("Content-Type", List.of("application/json"));
        h.put("Content-Digest", List.of("sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"));
        h.put("Content-Length", List.of("18"));
        extra.forEach((k, v) -> h.put(k, List.of(v)));
        return new SignedRequest("POST", "/foo", "param=Value&Pet=dog", "example.com", h,
                "{\"hello\": \"world\"}".getBytes(StandardCharsets.UTF_8));
    }

    static String base(SignedRequest r, String signatureInput) throws Exception {
        var member = StructuredFields.dictionary(signatureInput).values().iterator().next();
        return SignatureBase.of(r, "https", ((StructuredFields.InnerList) member.value()).items(), member.raw());
    }

    @Test
    void rfc9421B25HmacSha256BaseAndSignature() throws Exception {
        String input = "sig-b25=(\"date\" \"@authority\" \"content-type\");created=1618884473;keyid=\"test-shared-secret\"";
        String base = base(rfcRequest(Map.of()), input);
        assertEquals("""
                "date": Tue, 20 Apr 2021 02:07:55 GMT
                "@authority": example.com
                "content-type": application/json
                "@signature-params": ("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret\"""", base);
        byte[] mac = RequestVerifier.hmacSha256(RFC_SHARED_SECRET, base.getBytes(StandardCharsets.UTF_8));
        assertEquals("pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=", Base64.getEncoder().encodeToString(mac));
    }

    @Test
    void rfc9421B23FullCoverageBase() throws Exception {
        String input = "sig-b23=(\"date\" \"@method\" \"@path\" \"@query\" \"@authority\" \"content-type\" \"content-digest\" \"content-length\")"
                + ";created=1618884473;keyid=\"test-key-rsa-pss\"";
        assertEquals("""
                "date": Tue, 20 Apr 2021 02:07:55 GMT
                "@method": POST
                "@path": /foo
                "@query": ?param=Value&Pet=dog
                "@authority": example.com
                "content-type": application/json
                "content-digest": sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:
                "content-length": 18
                "@signature-params": ("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss\"""",
                base(rfcRequest(Map.of()), input));
    }

    @Test
    void rfc9421B21MinimalBaseKeepsTheParamsAsSent() throws Exception {
        String input = "sig-b21=();created=1618884473;keyid=\"test-key-rsa-pss\";nonce=\"b3k2pp5k7z-50gnwp.yemd\"";
        assertEquals("\"@signature-params\": ();created=1618884473;keyid=\"test-key-rsa-pss\";nonce=\"b3k2pp5k7z-50gnwp.yemd\"",
                base(rfcRequest(Map.of()), input));
    }

    @Test
    void rfc9530ContentDigestOfTheExampleBody() {
        assertEquals("X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=", Base64.getEncoder().encodeToString(
                RequestVerifier.sha256("{\"hello\": \"world\"}".getBytes(StandardCharsets.UTF_8))));
    }

    // --- the API's policy ---

    /** What a client sends; each field can be bent by a test. */
    static final class Client {
        String method = "GET", path = "/v1/whoami", query = "", label = "sig1", keyId = KEY_ID, secret = SECRET;
        String nonce = "nonce-0123456789abcdef";
        long created = NOW;
        String components = "\"@method\" \"@path\" \"@query\" \"content-digest\"";
        String extraParams = ";alg=\"hmac-sha256\"";
        byte[] body = new byte[0];
        byte[] signedBody = null;
        String digestHeader = null;

        SignedRequest request() {
            String digest = digestHeader != null ? digestHeader : "sha-256=:" + Base64.getEncoder().encodeToString(RequestVerifier.sha256(signedBody != null ? signedBody : body)) + ":";
            String params = "(" + components + ");created=" + created + ";nonce=\"" + nonce + "\";keyid=\"" + keyId + "\"" + extraParams;
            Map<String, List<String>> h = new LinkedHashMap<>();
            h.put("Host", List.of("127.0.0.1:8443"));
            h.put("Content-Digest", List.of(digest));
            h.put("Signature-Input", List.of(label + "=" + params));
            SignedRequest unsigned = new SignedRequest(method, path, query, "127.0.0.1:8443", h, body);
            byte[] mac;
            try {
                String base = RequestVerifierTest.base(unsigned, label + "=" + params);
                mac = RequestVerifier.hmacSha256(secret.getBytes(StandardCharsets.UTF_8), base.getBytes(StandardCharsets.UTF_8));
            } catch (Exception e) {
                mac = new byte[32]; // a base the client cannot build either: the server must refuse before comparing
            }
            h.put("Signature", List.of(label + "=:" + Base64.getEncoder().encodeToString(mac) + ":"));
            return new SignedRequest(method, path, query, "127.0.0.1:8443", h, body);
        }
    }

    final Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);

    RequestVerifier verifier(int maxNonces) {
        return new RequestVerifier(id -> id.equals(KEY_ID)
                ? new RequestVerifier.Found.Usable(SECRET.getBytes(StandardCharsets.UTF_8), "dev")
                : id.equals("ark_aaaaaaaaaa") ? new RequestVerifier.Found.Refused(new Refusal(Refusal.Reason.REVOKED_KEY))
                : new RequestVerifier.Found.Refused(new Refusal(Refusal.Reason.UNKNOWN_KEY)), clock, maxNonces);
    }

    final RequestVerifier verifier = verifier(1000);

    RequestVerifier.Outcome verify(SignedRequest r) {
        return verifier.verify(r, "https");
    }

    Refusal.Reason refused(SignedRequest r) {
        var o = assertInstanceOf(RequestVerifier.Outcome.Refused.class, verify(r), () -> "verified: " + r.headers());
        assertFalse(o.refusal().message().contains(SECRET), "a refusal never holds the secret");
        return o.refusal().reason();
    }

    static SignedRequest with(SignedRequest r, String header, String value) {
        Map<String, List<String>> h = new LinkedHashMap<>(r.headers());
        if (value == null) h.remove(header);
        else h.put(header, List.of(value));
        return new SignedRequest(r.method(), r.path(), r.query(), r.authority(), h, r.body());
    }

    @Test
    void aSignedRequestIsVerifiedWithItsKeyAndProfile() {
        var v = assertInstanceOf(RequestVerifier.Outcome.Verified.class, verify(new Client().request()));
        assertEquals(KEY_ID, v.keyId());
        assertEquals("dev", v.profile());
    }

    @Test
    void anyLabelAnyOrderMoreComponentsAndParamsAndABodyWithAQuery() {
        Client c = new Client();
        c.label = "my-label";
        c.components = "\"content-digest\" \"@query\" \"@authority\" \"@path\" \"@method\"";
        c.extraParams = ";tag=\"x\";alg=\"hmac-sha256\";expires=" + (NOW + 30);
        c.method = "POST";
        c.query = "a=1&b=%20";
        c.body = "{\"command\": \"python3\"}".getBytes(StandardCharsets.UTF_8);
        assertInstanceOf(RequestVerifier.Outcome.Verified.class, verify(c.request()));
        Client noAlg = new Client();
        noAlg.extraParams = "";
        noAlg.nonce = "nonce-without-alg-000";
        assertInstanceOf(RequestVerifier.Outcome.Verified.class, verify(noAlg.request()));
    }

    @Test
    void theEmptyQueryIsCoveredAsAQuestionMark() throws Exception {
        SignedRequest r = new Client().request();
        assertTrue(base(r, r.field("signature-input")).contains("\n\"@query\": ?\n"));
    }

    @Test
    void missingHeaders() {
        for (String h : List.of("signature-input", "signature", "content-digest")) {
            Client c = new Client();
            c.nonce = "nonce-missing-" + h;
            assertEquals(Refusal.Reason.MISSING_HEADER, refused(with(c.request(), h, null)), h);
        }
    }

    @Test
    void malformedHeaders() {
        SignedRequest good = new Client().request();
        for (String[] bad : new String[][]{
                {"signature-input", "sig1=(\"@method\""},
                {"signature-input", "sig1=\"not a list\""},
                {"signature-input", "Sig1=(\"@method\")"},
                {"signature", "sig1=:not base64!:"},
                {"signature", "sig1=\"text\""},
                {"signature", "other=:AAAA:"},
                {"signature", good.field("signature") + ", sig2=:AAAA:"},
        }) {
            assertEquals(Refusal.Reason.MALFORMED, refused(with(good, bad[0], bad[1])), bad[0] + ": " + bad[1]);
        }
        Client c = new Client();
        c.digestHeader = "sha-256=:%%%:";
        assertEquals(Refusal.Reason.MALFORMED, refused(c.request()), "a signed but malformed Content-Digest");
    }

    @Test
    void theFourComponentsMustBeCoveredOnce() {
        for (String components : List.of("\"@method\" \"@path\" \"@query\"", "\"@method\" \"@path\" \"content-digest\"",
                "\"@method\" \"@path\" \"@query\" \"content-digest\" \"@method\"", "\"@method\" \"@path\" \"@query\" \"content-digest\" \"x-absent\"",
                "\"@method\";req \"@path\" \"@query\" \"content-digest\"")) {
            Client c = new Client();
            c.components = components;
            assertEquals(Refusal.Reason.MALFORMED, refused(c.request()), components);
        }
    }

    @Test
    void missingParametersAndAnotherAlgorithm() {
        Client c = new Client();
        c.extraParams = ";alg=\"hmac-sha512\"";
        assertEquals(Refusal.Reason.UNSUPPORTED, refused(c.request()));
        c.extraParams = "";
        c.keyId = "";
        SignedRequest noKey = with(c.request(), "signature-input", c.request().field("signature-input").replace(";keyid=\"\"", ""));
        assertEquals(Refusal.Reason.MALFORMED, refused(noKey));
        Client d = new Client();
        SignedRequest noCreated = with(d.request(), "signature-input", d.request().field("signature-input").replace(";created=" + NOW, ""));
        assertEquals(Refusal.Reason.MALFORMED, refused(noCreated));
        SignedRequest noNonce = with(d.request(), "signature-input", d.request().field("signature-input").replace(";nonce=\"" + d.nonce + "\"", ""));
        assertEquals(Refusal.Reason.MALFORMED, refused(noNonce));
    }

    @Test
    void unknownAndRefusedKeys() {
        Client c = new Client();
        c.keyId = "ark_9999999999";
        assertEquals(Refusal.Reason.UNKNOWN_KEY, refused(c.request()));
        c.keyId = "ark_aaaaaaaaaa";
        assertEquals(Refusal.Reason.REVOKED_KEY, refused(c.request()));
    }

    @Test
    void createdMoreThanSixtySecondsAwayEitherWay() {
        Client c = new Client();
        c.created = NOW - 61;
        assertEquals(Refusal.Reason.STALE, refused(c.request()));
        c.created = NOW + 61;
        assertEquals(Refusal.Reason.FUTURE, refused(c.request()));
        c.created = NOW - 60;
        c.nonce = "nonce-edge-past-0000";
        assertInstanceOf(RequestVerifier.Outcome.Verified.class, verify(c.request()));
        c.created = NOW + 60;
        c.nonce = "nonce-edge-future-00";
        assertInstanceOf(RequestVerifier.Outcome.Verified.class, verify(c.request()));
        Client e = new Client();
        e.extraParams = ";expires=" + NOW;
        assertEquals(Refusal.Reason.STALE, refused(e.request()));
    }

    @Test
    void shortNonce() {
        Client c = new Client();
        c.nonce = "fifteen-chars-x";
        assertEquals(Refusal.Reason.SHORT_NONCE, refused(c.request()));
        c.nonce = "sixteen-chars-xx";
        assertInstanceOf(RequestVerifier.Outcome.Verified.class, verify(c.request()));
    }

    @Test
    void wrongSecretAndAnythingSignedChanged() {
        Client c = new Client();
        c.secret = SECRET + "x";
        assertEquals(Refusal.Reason.BAD_SIGNATURE, refused(c.request()));
        SignedRequest good = new Client().request();
        SignedRequest otherPath = new SignedRequest(good.method(), "/v1/secrets", good.query(), good.authority(), good.headers(), good.body());
        assertEquals(Refusal.Reason.BAD_SIGNATURE, refused(otherPath));
        SignedRequest otherMethod = new SignedRequest("POST", good.path(), good.query(), good.authority(), good.headers(), good.body());
        assertEquals(Refusal.Reason.BAD_SIGNATURE, refused(otherMethod));
        SignedRequest otherQuery = new SignedRequest(good.method(), good.path(), "x=1", good.authority(), good.headers(), good.body());
        assertEquals(Refusal.Reason.BAD_SIGNATURE, refused(otherQuery));
        // the digest header changed to match a new body: the signature covers it
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        SignedRequest newDigest = with(new SignedRequest(good.method(), good.path(), good.query(), good.authority(), good.headers(), body),
                "content-digest", "sha-256=:" + Base64.getEncoder().encodeToString(RequestVerifier.sha256(body)) + ":");
        assertEquals(Refusal.Reason.BAD_SIGNATURE, refused(newDigest));
        // the same signature bytes under the right label but one bit off
        String sig = good.field("signature");
        byte[] mac = Base64.getDecoder().decode(sig.substring(sig.indexOf(':') + 1, sig.length() - 1));
        mac[31] ^= 1;
        assertEquals(Refusal.Reason.BAD_SIGNATURE, refused(with(good, "signature", "sig1=:" + Base64.getEncoder().encodeToString(mac) + ":")));
    }

    @Test
    void aBodyThatIsNotTheSignedOne() {
        Client c = new Client();
        c.method = "POST";
        c.signedBody = "{\"command\": \"true\"}".getBytes(StandardCharsets.UTF_8);
        c.body = "{\"command\": \"rm\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals(Refusal.Reason.DIGEST_MISMATCH, refused(c.request()));
        Client d = new Client();
        d.digestHeader = "sha-512=:" + Base64.getEncoder().encodeToString(new byte[64]) + ":";
        assertEquals(Refusal.Reason.UNSUPPORTED, refused(d.request()), "sha-256 is the digest the API checks");
    }

    @Test
    void aReplayedRequestIsRefusedAndTheWindowIsBounded() {
        SignedRequest r = new Client().request();
        assertInstanceOf(RequestVerifier.Outcome.Verified.class, verify(r));
        assertEquals(Refusal.Reason.REPLAY, refused(r));
        // a failed request does not use up its nonce: the genuine one still goes through after it
        Client c = new Client();
        c.nonce = "nonce-after-a-forgery";
        c.secret = "forged-secret-value";
        assertEquals(Refusal.Reason.BAD_SIGNATURE, refused(c.request()));
        c.secret = SECRET;
        assertInstanceOf(RequestVerifier.Outcome.Verified.class, verify(c.request()));

        RequestVerifier small = verifier(2);
        for (int i = 0; i < 2; i++) {
            Client k = new Client();
            k.nonce = "nonce-bounded-000" + i;
            assertInstanceOf(RequestVerifier.Outcome.Verified.class, small.verify(k.request(), "https"));
        }
        Client third = new Client();
        third.nonce = "nonce-bounded-0002";
        var o = assertInstanceOf(RequestVerifier.Outcome.Refused.class, small.verify(third.request(), "https"));
        assertEquals(Refusal.Reason.TOO_MANY, o.refusal().reason());
        assertEquals(429, o.refusal().status());
    }

    @Test
    void theNonceIsForgottenOnlyAfterEveryCopyWouldBeStale() {
        NonceWindow w = new NonceWindow(120, 10);
        assertEquals(NonceWindow.Outcome.FRESH, w.record("k", "n", 1000));
        assertEquals(NonceWindow.Outcome.REPLAY, w.record("k", "n", 1119));
        assertEquals(NonceWindow.Outcome.FRESH, w.record("other", "n", 1119), "nonces are per key");
        assertEquals(NonceWindow.Outcome.FRESH, w.record("k", "n", 1120));
    }
}
