package airlock.daemon.listen.https;

import airlock.daemon.agent.SecretSlots;
import airlock.daemon.core.Caller;
import airlock.daemon.runs.Runs;
import airlock.rules.Config;
import airlock.rules.Policy;
import airlock.rules.Profile;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The HTTPS API for remote agents ({@code [api] listen}, docs/api.md): the JDK's
 * {@link HttpsServer}, TLS 1.3 and 1.2 only. Every request, whatever its path, is verified
 * ({@link RequestVerifier}) before it is routed, so an unsigned client learns nothing, not even
 * which endpoints exist. A key sees only its own profile's things. Runs ({@link RunEndpoints}) go
 * through the same request path as a profile's socket, with the key holder as the caller.
 * Requests per second are limited per address before the signature is checked (so a flood of
 * unsigned requests costs little) and per key after it.
 */
public final class ApiServer implements Closeable {
    public static final String ADDRESS_FILE = "address";
    /** Live nonces one key may hold in the 120 s replay window (about 160 requests a second, sustained). */
    static final int MAX_NONCES_PER_KEY = 20_000;
    /** Reads bodies strictly (a key given twice is refused, never "the last one wins") and writes every answer. */
    static final ObjectMapper JSON = new ObjectMapper().enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final HttpsServer server;
    private final ExecutorService threads;
    private final RequestVerifier verifier;
    private final ApiKeys keys;
    private final Supplier<Policy> policy;
    private final SecretSlots slots;
    private final TlsIdentity tls;
    private final long maxBody;
    private final PrintStream log;
    private final Path apiDir;
    private final String url;
    private final RunEndpoints runs;
    private final RateLimit perAddress;
    private final RateLimit perKey;

    private ApiServer(HttpsServer server, ExecutorService threads, ApiKeys keys, Supplier<Policy> policy, SecretSlots slots,
                      TlsIdentity tls, long maxBody, PrintStream log, Path apiDir, String url, Clock clock, Runs runs, int perSecond) {
        this.server = server;
        this.threads = threads;
        this.keys = keys;
        this.policy = policy;
        this.slots = slots;
        this.tls = tls;
        this.maxBody = maxBody;
        this.log = log;
        this.apiDir = apiDir;
        this.url = url;
        this.runs = new RunEndpoints(runs);
        this.perAddress = new RateLimit(perSecond, System::nanoTime);
        this.perKey = new RateLimit(perSecond, System::nanoTime);
        this.verifier = new RequestVerifier(id -> keys.find(id, policy.get()), clock, MAX_NONCES_PER_KEY);
    }

    /** Starts listening on {@code [api] listen}; writes {@code <apiDir>/address} (the URL) for {@code airlock api info}. */
    public static ApiServer start(Config.ApiSettings api, TlsIdentity tls, ApiKeys keys, Supplier<Policy> policy, SecretSlots slots,
                                  Runs runs, Path apiDir, PrintStream log, Clock clock) throws IOException {
        String host = api.host().orElseThrow(() -> new IOException("the API is off ([api] listen is not set)"));
        InetAddress ip = InetAddress.ofLiteral(host);
        if (!ip.isLoopbackAddress() && !api.allowRemote()) {
            throw new IOException("the API refuses to listen on " + host + ": not a loopback address; set [api] allow_remote = true"
                    + " in config.toml if other machines must reach it");
        }
        SSLContext ssl;
        try {
            ssl = tls.sslContext();
        } catch (GeneralSecurityException e) {
            throw new IOException("the API's TLS key cannot be used: " + e.getMessage(), e);
        }
        limits();
        HttpsServer server = HttpsServer.create(new InetSocketAddress(ip, api.port()), 64);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = ssl.getDefaultSSLParameters();
                // nothing older: TLS 1.1 and below are broken or deprecated (RFC 8996)
                p.setProtocols(new String[]{"TLSv1.3", "TLSv1.2"});
                params.setSSLParameters(p);
            }
        });
        ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("api-", 0).factory());
        server.setExecutor(threads);
        String url = "https://" + api.authority(server.getAddress().getPort());
        ApiServer s = new ApiServer(server, threads, keys, policy, slots, tls, api.maxBodyBytes(), log, apiDir, url, clock, runs,
                api.runs().requestsPerSecond());
        server.createContext("/", s::handle);
        server.start();
        s.writeAddress();
        log.println("airlock: api on " + url + " (certificate sha256 " + tls.fingerprint() + ")");
        return s;
    }

    public String url() {
        return url;
    }

    /** The JDK server's settings, the same for the console and the API (see JdkHttpServerSettings). */
    private static void limits() {
        airlock.daemon.core.JdkHttpServerSettings.apply();
    }

    private void writeAddress() throws IOException {
        ApiKeys.createPrivateDirectory(apiDir);
        Path tmp = Files.createTempFile(apiDir, ".address", "", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, url + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, apiDir.resolve(ADDRESS_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String remote = x.getRemoteAddress().getAddress().getHostAddress();
            java.util.OptionalLong wait = perAddress.take(remote);
            if (wait.isPresent()) {
                refuse(x, remote, new Refusal(Refusal.Reason.TOO_MANY_FROM_ADDRESS), wait.getAsLong());
                return;
            }
            long declared = declaredLength(x);
            if (declared > maxBody) {
                refuse(x, remote, new Refusal(Refusal.Reason.TOO_LARGE, "at most " + maxBody + " bytes ([api] max_body_bytes)"));
                return;
            }
            byte[] body;
            try (InputStream in = x.getRequestBody()) {
                body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBody + 1));
            }
            if (body.length > maxBody) {
                refuse(x, remote, new Refusal(Refusal.Reason.TOO_LARGE, "at most " + maxBody + " bytes ([api] max_body_bytes)"));
                return;
            }
            String authority = Optional.ofNullable(x.getRequestHeaders().getFirst("Host")).orElse("");
            SignedRequest r = new SignedRequest(x.getRequestMethod(), x.getRequestURI().getRawPath(), x.getRequestURI().getRawQuery(),
                    authority, x.getRequestHeaders(), body);
            switch (verifier.verify(r, "https")) {
                case RequestVerifier.Outcome.Refused f -> refuse(x, remote, f.refusal());
                case RequestVerifier.Outcome.Verified v -> {
                    keys.used(v.keyId());
                    java.util.OptionalLong later = perKey.take(v.keyId());
                    if (later.isPresent()) refuse(x, remote, new Refusal(Refusal.Reason.TOO_MANY), later.getAsLong());
                    else route(x, r, v, remote);
                }
            }
        } catch (IOException | RuntimeException e) {
            log.println("airlock: api: a request failed: " + e.getClass().getSimpleName());
            try {
                send(x, 500, error("airlock: the request failed on the host; the daemon's log says more"));
            } catch (IOException | RuntimeException ignored) {
                // the response had begun or the client left
            }
        }
    }

    private static long declaredLength(HttpExchange x) {
        String cl = x.getRequestHeaders().getFirst("Content-Length");
        if (cl == null) return -1;
        try {
            return Long.parseLong(cl.strip());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private void refuse(HttpExchange x, String remote, Refusal r) throws IOException {
        refuse(x, remote, r, 30);
    }

    /** A refusal; one that asks to come back later says when ({@code Retry-After}, seconds). */
    private void refuse(HttpExchange x, String remote, Refusal r, long retryAfter) throws IOException {
        log.println("airlock: api: refused a request from " + remote + ": " + r.reason().name().toLowerCase(java.util.Locale.ROOT));
        if (r.status() == 429) x.getResponseHeaders().set("Retry-After", Long.toString(retryAfter));
        send(x, r.status(), error(r.message()));
    }

    private void route(HttpExchange x, SignedRequest r, RequestVerifier.Outcome.Verified v, String remote) throws IOException {
        String method = r.method(), path = r.path();
        Policy p = policy.get();
        Profile profile = p.profiles().get(v.profile());
        if (profile == null) {
            send(x, 401, error("airlock: refused by the api layer: the key's profile does not accept requests"));
            return;
        }
        switch (path) {
            case "/v1/whoami" -> {
                if (!get(x, method)) return;
                ObjectNode o = JSON.createObjectNode();
                o.put("profile", profile.name());
                o.put("key_id", v.keyId());
                ArrayNode commands = o.putArray("commands");
                commands(p, profile).forEach(commands::add);
                o.put("expires", profile.lifecycle().expires().map(Object::toString).orElse(null));
                Optional<ApiKeys.ApiKey> k = keys.get(v.keyId());
                o.put("key_expires", k.flatMap(ApiKeys.ApiKey::expires).map(Object::toString).orElse(null));
                send(x, 200, o);
            }
            case "/v1/secrets" -> {
                if (!get(x, method)) return;
                ObjectNode o = JSON.createObjectNode();
                ArrayNode list = o.putArray("secrets");
                for (SecretSlots.Slot s : slots.visibleTo(profile.name()).stream()
                        .sorted(java.util.Comparator.comparing(SecretSlots.Slot::name)).toList()) {
                    ObjectNode e = list.addObject();
                    e.put("name", s.name());
                    e.put("description", s.description());
                    e.put("set", s.set());
                    ArrayNode cmds = e.putArray("commands");
                    grantedTo(profile, s.name()).forEach(cmds::add);
                }
                send(x, 200, o);
            }
            case "/v1/skill.md" -> {
                if (!get(x, method)) return;
                byte[] text = RemoteSkill.text(p, profile, slots.visibleTo(profile.name()), url, tls.fingerprint())
                        .getBytes(StandardCharsets.UTF_8);
                x.getResponseHeaders().set("Content-Type", "text/markdown; charset=utf-8");
                x.sendResponseHeaders(200, text.length);
                x.getResponseBody().write(text);
            }
            case "/v1/secrets/requests" -> {
                if (!method.equals("POST")) {
                    x.getResponseHeaders().set("Allow", "POST");
                    send(x, 405, error("airlock: only POST is served here"));
                    return;
                }
                requestSecret(x, r.body(), profile.name());
            }
            default -> {
                if (RunEndpoints.serves(path)) {
                    runs.route(x, method, path, r.body(), profile.name(), new Caller.KeyHolder(v.keyId(), remote));
                } else {
                    send(x, 404, error("airlock: no endpoint " + path + " (see GET /v1/skill.md)"));
                }
            }
        }
    }

    /**
     * {@code POST /v1/secrets/requests {"name", "description"}}: the slot request the shim's
     * {@code airlock secrets request} makes, for a person on the host to fill and grant.
     */
    private void requestSecret(HttpExchange x, byte[] body, String profile) throws IOException {
        com.fasterxml.jackson.databind.JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (IOException e) {
            send(x, 400, error("airlock: refused by the api layer: the body is not JSON; send {\"name\": ..., \"description\": ...}"));
            return;
        }
        if (n == null || !n.isObject() || !n.path("name").isTextual() || !n.path("description").isTextual() || n.size() != 2) {
            send(x, 400, error("airlock: refused by the api layer: send exactly {\"name\": \"NAME\", \"description\": \"what it is for\"}"));
            return;
        }
        try {
            SecretSlots.Slot s = slots.request(profile, n.get("name").asText(), n.get("description").asText());
            ObjectNode o = JSON.createObjectNode();
            o.put("name", s.name());
            o.put("description", s.description());
            o.put("set", s.set());
            o.put("message", "requested secret " + s.name() + " (empty): a person on the host sees it in 'airlock secret list',"
                    + " sets it and grants it to this profile; GET /v1/secrets shows when it is set");
            send(x, 201, o);
        } catch (SecretSlots.Refused e) {
            send(x, 400, error(e.getMessage()));
        }
    }

    private boolean get(HttpExchange x, String method) throws IOException {
        if (method.equals("GET")) return true;
        x.getResponseHeaders().set("Allow", "GET");
        send(x, 405, error("airlock: only GET is served here"));
        return false;
    }

    static List<String> commands(Policy policy, Profile profile) {
        return policy.config().enabled().stream().filter(profile::allows).sorted().toList();
    }

    /** The commands that receive the secret (its variable or file); never a value or host path. */
    static List<String> grantedTo(Profile profile, String secret) {
        return new java.util.TreeMap<>(profile.secrets()).entrySet().stream()
                .filter(e -> e.getValue().env().containsValue(secret) || e.getValue().files().containsValue(secret))
                .map(java.util.Map.Entry::getKey).toList();
    }

    static ObjectNode error(String message) {
        ObjectNode o = JSON.createObjectNode();
        o.put("error", message);
        return o;
    }

    static void send(HttpExchange x, int status, ObjectNode body) throws IOException {
        byte[] b = JSON.writeValueAsBytes(body);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.getResponseHeaders().set("Cache-Control", "no-store");
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.close();
        try {
            Files.deleteIfExists(apiDir.resolve(ADDRESS_FILE));
        } catch (IOException e) {
            log.println("airlock: api: cannot remove " + apiDir.resolve(ADDRESS_FILE) + ": " + e.getMessage());
        }
    }
}
