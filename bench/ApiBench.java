import airlock.daemon.ConfigDirectory;
import airlock.daemon.Daemon;
import airlock.daemon.agent.VaultSlots;
import airlock.daemon.listen.https.ApiKeys;
import airlock.daemon.listen.https.ApiServer;
import airlock.daemon.listen.https.TlsIdentity;
import airlock.daemon.vault.Vault;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * bench/api.sh: a signed {@code python3 -c pass} run over the HTTPS API (POST /v1/runs, then its
 * event stream to the exit) against the same run over the profile's unix socket (SocketCall, as
 * the shim sends it), interleaved in one run on one daemon; then GET /v1/whoami requests per
 * second, one client and eight at once. The python3 module is sandboxed (bubblewrap) in both.
 * Args: RUNS WORKDIR.
 */
public final class ApiBench {
    private static final SecureRandom RANDOM = new SecureRandom();

    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        Path root = Path.of(args[1]).toRealPath();
        Path config = root.resolve("config");
        Path work = Files.createDirectories(root.resolve("work"));
        Files.createDirectories(config.resolve("profiles"));
        Files.createDirectories(config.resolve("commands"));
        Files.writeString(config.resolve("commands/box-python.toml"), "[command]\nbin = \"/usr/bin/python3\"\n[deny]\nargs = []\n"
                + "[sandbox]\nnetwork = false\nwritable = false\ntimeout_s = 60\nmemory_mb = 512\nprocesses = 64\noutput_mb = 16\n");
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"box-python\"]\n[api]\nlisten = \"127.0.0.1:0\"\n"
                + "requests_per_second = 100000\nmax_runs_per_key = 64\n");
        Files.writeString(config.resolve("profiles/default.toml"), "commands = []\n[mounts]\n\"" + work + "\" = \"" + work + "\"\n");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PATH", "/usr/bin:/bin");
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        try (Daemon d = Daemon.start(new ConfigDirectory(config), env, quiet)) {
            Vault vault = Vault.at(d.directory().vaultDir());
            Path apiDir = config.resolve("api");
            ApiKeys keys = new ApiKeys(apiDir.resolve("keys"), vault, Clock.systemUTC());
            TlsIdentity tls = TlsIdentity.load(apiDir, Optional.empty(), Optional.empty());
            try (ApiServer api = ApiServer.start(d.policy().config().api(), tls, keys, d::policy, new VaultSlots(vault, d::policy), d.runs(),
                    apiDir, quiet, Clock.systemUTC())) {
                String key = keys.create("default", Optional.empty()).key();
                Client client = new Client(api.url(), key, tls.fingerprint());
                Path sock = d.directory().socketOf("default");
                List<String> pass = List.of("-c", "pass");
                for (int i = 0; i < 5; i++) {
                    SocketCall.timed(sock, "box-python", pass, work);
                    client.run();
                }
                long[] local = new long[runs], remote = new long[runs];
                for (int i = 0; i < runs; i++) {
                    // interleaved, so load on the machine falls on both alike
                    local[i] = SocketCall.timed(sock, "box-python", pass, work);
                    long t0 = System.nanoTime();
                    client.run();
                    remote[i] = System.nanoTime() - t0;
                }
                java.util.Arrays.sort(local);
                java.util.Arrays.sort(remote);
                System.out.println("| sandboxed `python3 -c pass` | median | min | max | ratio |");
                System.out.println("|---|---|---|---|---|");
                System.out.printf("| over the profile's socket (baseline) | %.1f ms | %.1f ms | %.1f ms | 1.00× |%n",
                        SocketCall.ms(local[runs / 2]), SocketCall.ms(local[0]), SocketCall.ms(local[runs - 1]));
                System.out.printf("| over the HTTPS API, signed (POST, then its events) | %.1f ms | %.1f ms | %.1f ms | %.2f× |%n",
                        SocketCall.ms(remote[runs / 2]), SocketCall.ms(remote[0]), SocketCall.ms(remote[runs - 1]),
                        (double) remote[runs / 2] / local[runs / 2]);

                System.out.println();
                System.out.println("| `GET /v1/whoami` | requests | seconds | requests/s |");
                System.out.println("|---|---|---|---|");
                int n = Math.max(200, runs * 20);
                for (int i = 0; i < 50; i++) client.whoami();
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) client.whoami();
                double one = (System.nanoTime() - t0) / 1e9;
                System.out.printf("| one client, one connection | %d | %.2f | %.0f |%n", n, one, n / one);
                AtomicLong failed = new AtomicLong();
                List<Thread> threads = new ArrayList<>();
                t0 = System.nanoTime();
                for (int c = 0; c < 8; c++) {
                    Client each = new Client(api.url(), key, tls.fingerprint());
                    threads.add(Thread.ofVirtual().start(() -> {
                        try {
                            for (int i = 0; i < n / 8; i++) each.whoami();
                        } catch (Exception e) {
                            failed.incrementAndGet();
                        }
                    }));
                }
                for (Thread t : threads) t.join();
                double eight = (System.nanoTime() - t0) / 1e9;
                System.out.printf("| eight clients at once | %d | %.2f | %.0f |%s%n", n / 8 * 8, eight, n / 8 * 8 / eight,
                        failed.get() > 0 ? " (" + failed.get() + " clients failed)" : "");
            }
        }
    }

    /** A client written from docs/api.md: signs each request, pins the certificate, keeps its connection. */
    static final class Client {
        private final String url, keyId;
        private final byte[] secret;
        private final HttpClient http;

        Client(String url, String key, String fingerprint) throws Exception {
            this.url = url;
            this.keyId = key.substring(0, key.indexOf(':'));
            this.secret = key.substring(key.indexOf(':') + 1).getBytes(StandardCharsets.UTF_8);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, new TrustManager[]{new X509TrustManager() {
                @Override public void checkClientTrusted(X509Certificate[] chain, String type) {}

                @Override public void checkServerTrusted(X509Certificate[] chain, String type) throws java.security.cert.CertificateException {
                    try {
                        String got = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded()));
                        if (!got.equals(fingerprint.replace(":", "").toLowerCase())) throw new java.security.cert.CertificateException("not the pinned certificate");
                    } catch (java.security.NoSuchAlgorithmException e) {
                        throw new java.security.cert.CertificateException(e);
                    }
                }

                @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
            }}, null);
            this.http = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1).build();
        }

        HttpRequest.Builder signed(String method, String path, byte[] body) throws Exception {
            String digest = "sha-256=:" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(body)) + ":";
            byte[] n = new byte[18];
            RANDOM.nextBytes(n);
            String params = "(\"@method\" \"@path\" \"@query\" \"content-digest\");created=" + System.currentTimeMillis() / 1000
                    + ";nonce=\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(n) + "\";keyid=\"" + keyId + "\";alg=\"hmac-sha256\"";
            String base = "\"@method\": " + method + "\n\"@path\": " + path + "\n\"@query\": ?\n\"content-digest\": " + digest
                    + "\n\"@signature-params\": " + params;
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            String sig = Base64.getEncoder().encodeToString(mac.doFinal(base.getBytes(StandardCharsets.UTF_8)));
            return HttpRequest.newBuilder(URI.create(url + path)).header("Content-Digest", digest)
                    .header("Signature-Input", "sig1=" + params).header("Signature", "sig1=:" + sig + ":")
                    .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        }

        void whoami() throws Exception {
            HttpResponse<byte[]> r = http.send(signed("GET", "/v1/whoami", new byte[0]).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) throw new IllegalStateException("whoami " + r.statusCode() + ": " + new String(r.body(), StandardCharsets.UTF_8));
        }

        /** POST /v1/runs, then its events until "exit"; fails unless it completed. */
        void run() throws Exception {
            byte[] body = "{\"command\": \"box-python\", \"args\": [\"-c\", \"pass\"]}".getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> started = http.send(signed("POST", "/v1/runs", body).header("Content-Type", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
            if (started.statusCode() != 201) throw new IllegalStateException("run " + started.statusCode() + ": " + started.body());
            String id = started.body().replaceAll(".*\"id\"\\s*:\\s*\"([^\"]+)\".*", "$1");
            HttpResponse<java.io.InputStream> events = http.send(signed("GET", "/v1/runs/" + id + "/events", new byte[0]).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader in = new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8))) {
                String line;
                boolean exit = false;
                while ((line = in.readLine()) != null) {
                    if (line.equals("event: exit")) exit = true;
                    else if (exit && line.startsWith("data: ")) {
                        if (!line.contains("\"completed\"")) throw new IllegalStateException("run ended: " + line);
                        // read to the stream's end, so the connection is kept for the next request
                        while (in.readLine() != null) {
                            // the server ends the stream after "exit"
                        }
                        return;
                    }
                }
                throw new IllegalStateException("the event stream ended without an exit");
            }
        }
    }
}
