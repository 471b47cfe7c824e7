package airlock.daemon.console;

import airlock.rules.Config;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The web console, in the daemon's process, on the JDK's own HTTP server (no dependency: its
 * limits are set below, it streams server-sent events, and every handler runs on a virtual thread).
 * Every response carries the security headers; a request passes, in this order: the Host header
 * is the listen address (DNS rebinding gets 421), the request target is a path or an absolute URL
 * naming this console (another authority gets 421, other forms 400), a live session cookie (or the one-time login
 * link), and for a POST a same-origin Origin header, a bounded form body and the session's CSRF
 * token. Nothing here is reachable from a profile socket: it listens on TCP only.
 */
public final class Console implements Closeable {
    static final int MAX_BODY = 64 * 1024;
    static final String COOKIE = "airlock_session";
    static final String CSP = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";
    public static final String ADDRESS_FILE = "address";

    private final HttpServer server;
    private final ExecutorService threads;
    private final String authority;
    private final String origin;
    /** Where {@code airlock ui} checks that the console answers: the bound address (loopback for a wildcard). */
    private final String listening;
    private final ConsoleSessions sessions;
    private final LoginGrants grants;
    private final Path uiDir;
    private final LiveFeed feed;
    private final OverviewPage overview;
    private final ProfilesPage profiles;
    private final SecretsPage secrets;
    private final ApprovalsPage approvals;
    private final ActivityPage activity;
    private final ModulesPage modules;

    private Console(HttpServer server, ExecutorService threads, String authority, String origin, String listening, ConsoleBackend backend,
                    Path uiDir, Clock clock, Duration idle) {
        this.server = server;
        this.threads = threads;
        this.authority = authority;
        this.origin = origin;
        this.listening = listening;
        this.uiDir = uiDir;
        this.sessions = new ConsoleSessions(clock, idle);
        this.grants = new LoginGrants(uiDir, clock);
        this.feed = new LiveFeed(backend.activity());
        this.overview = new OverviewPage(backend, clock);
        this.profiles = new ProfilesPage(backend);
        this.secrets = new SecretsPage(backend);
        this.approvals = new ApprovalsPage(backend);
        this.activity = new ActivityPage(backend);
        this.modules = new ModulesPage(backend);
    }

    public static Console start(ConsoleBackend backend, Config.UiSettings ui, Path uiDir, PrintStream log) throws IOException {
        return start(backend, ui, uiDir, log, Clock.systemUTC(), ConsoleSessions.IDLE);
    }

    /** Binds {@code [ui] listen}; refuses an address that is not loopback unless {@code allow_remote}. */
    public static Console start(ConsoleBackend backend, Config.UiSettings ui, Path uiDir, PrintStream log, Clock clock, Duration idle)
            throws IOException {
        String host = ui.host().orElseThrow(() -> new IOException("the console is off ([ui] listen is not set)"));
        InetAddress ip = InetAddress.ofLiteral(host);
        if (!ip.isLoopbackAddress() && !ui.allowRemote()) {
            throw new IOException("the console refuses to listen on " + host + ": not a loopback address; use 127.0.0.1 or ::1, "
                    + "or set [ui] allow_remote = true in config.toml if other machines must reach it");
        }
        limits();
        new LoginGrants(uiDir, clock).prepare();
        HttpServer server = HttpServer.create(new InetSocketAddress(ip, ui.port()), 16);
        ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("console-", 0).factory());
        server.setExecutor(threads);
        int port = server.getAddress().getPort();
        // with [ui] public_url the console answers to the address people type (a published
        // container port), and to nothing else: the Host check keeps its strength
        String authority = ui.servedAuthority(port);
        String origin = ui.publicUrl().map(Config.PublicUrl::origin).orElse("http://" + authority);
        String listening = ip.isAnyLocalAddress() ? (ip instanceof java.net.Inet6Address ? "[::1]:" : "127.0.0.1:") + port : ui.authority(port);
        Console c = new Console(server, threads, authority, origin, listening, backend, uiDir, clock, idle);
        server.createContext("/", c::handle);
        server.start();
        c.writeAddress();
        c.grants.sweep();
        log.println("airlock: console on " + c.origin + (c.origin.equals("http://" + c.listening) ? "" : " (listening on " + ui.authority(port) + ")")
                + " (run 'airlock ui' for a login link)"
                + (ip.isLoopbackAddress() ? "" : "; WARNING: not loopback, reachable from other machines over plain HTTP"));
        return c;
    }

    /** The JDK server's settings, the same for the console and the API (see JdkHttpServerSettings). */
    static void limits() {
        airlock.daemon.core.JdkHttpServerSettings.apply();
    }

    /**
     * For {@code airlock ui}: where the console listens (to check it answers), then the origin its
     * login links must name when that differs ({@code [ui] public_url}); written 0600 into the ui directory.
     */
    private void writeAddress() throws IOException {
        Path tmp = Files.createTempFile(uiDir, ".address", "", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, listening + "\n" + (origin.equals("http://" + listening) ? "" : origin + "\n"), StandardCharsets.US_ASCII);
        Files.move(tmp, uiDir.resolve(ADDRESS_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    public String origin() {
        return origin;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    public LoginGrants grants() {
        return grants;
    }

    private void handle(HttpExchange x) {
        try {
            headers(x);
            Response r = route(x);
            if (r != null) send(x, r);
        } catch (IOException e) {
            // the browser left
        } catch (RuntimeException e) {
            try {
                send(x, Response.html(500, error("airlock: console: internal error (" + e.getClass().getSimpleName() + "); the daemon log has no more")));
            } catch (IOException ignored) {
                // the browser left
            }
        } finally {
            x.close();
        }
    }

    private static void headers(HttpExchange x) {
        var h = x.getResponseHeaders();
        h.set("Content-Security-Policy", CSP);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Cache-Control", "no-store");
        h.set("Referrer-Policy", "no-referrer");
        h.set("X-Frame-Options", "DENY");
        h.set("Cross-Origin-Opener-Policy", "same-origin");
        h.set("Cross-Origin-Resource-Policy", "same-origin");
    }

    /** Null when the response was streamed already (the live feed). */
    private Response route(HttpExchange x) throws IOException {
        List<String> hosts = x.getRequestHeaders().get("Host");
        if (hosts == null || hosts.size() != 1 || !hosts.getFirst().equalsIgnoreCase(authority)) {
            // a page on another name that resolves here (DNS rebinding) must not be served
            return Response.html(421, error("airlock: console: this console answers only as " + origin));
        }
        URI target = x.getRequestURI();
        if (!ownTarget(target)) {
            return Response.html(target.getScheme() != null ? 421 : 400, error("airlock: console: refused the request target "
                    + "(only a path, or an absolute URL naming " + origin + " itself, is served here)"));
        }
        String method = x.getRequestMethod();
        if (!method.equals("GET") && !method.equals("POST")) return Response.html(405, error("airlock: console: GET or POST only"));
        String path = target.getRawPath();
        if (method.equals("GET") && path.startsWith("/static/")) return Assets.get(path);
        if (method.equals("GET") && path.equals("/favicon.ico")) return Assets.get("/static/favicon.svg");
        if (path.equals("/login")) return method.equals("GET") ? login(x) : Response.html(405, error("airlock: console: GET only"));

        Optional<ConsoleSessions.Session> session = cookie(x).flatMap(id -> sessions.find(id, !path.equals("/activity/feed")));
        if (session.isEmpty()) {
            return Response.html(401, error("airlock: console: not logged in, or the session ended. Run 'airlock ui' on the host for a login link."));
        }
        ConsoleSessions.Session s = session.get();
        Form form = new Form();
        if (method.equals("POST")) {
            String o = x.getRequestHeaders().getFirst("Origin");
            if (!sameOrigin(o, x.getRequestHeaders().getFirst("Sec-Fetch-Site"))) {
                return Response.html(403, error("airlock: console: refused a " + (o == null ? "request without an Origin header" : "request from " + o)
                        + "; changes are accepted only from pages of " + origin));
            }
            String type = x.getRequestHeaders().getFirst("Content-Type");
            if (type == null || !type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
                return Response.html(415, error("airlock: console: a form post is expected"));
            }
            Optional<byte[]> body = body(x);
            if (body.isEmpty()) return Response.html(413, error("airlock: console: the form is larger than " + MAX_BODY + " bytes"));
            form = Form.parse(body.get());
            if (!Tokens.same(form.get("csrf", ""), s.csrf())) {
                form.wipe();
                return Response.html(403, error("airlock: console: the form's CSRF token is missing or wrong; reload the page and try again"));
            }
        }
        Request r = new Request(method, path, Form.query(x.getRequestURI().getRawQuery()), form, s);
        return switch (method + " " + path) {
            case "GET /" -> overview.get(r);
            case "GET /profiles" -> profiles.get(r);
            case "POST /profiles/revoke", "POST /profiles/lock", "POST /profiles/rotate" -> profiles.post(r);
            case "GET /secrets" -> secrets.get(r);
            case "POST /secrets/set", "POST /secrets/remove" -> secrets.post(r);
            case "GET /approvals" -> approvals.get(r);
            case "POST /approvals/approve", "POST /approvals/deny" -> approvals.post(r);
            case "GET /activity" -> activity.get(r);
            case "GET /activity/record" -> activity.record(r);
            case "GET /activity/feed" -> {
                feed.stream(x, () -> sessions.find(s.id(), false).isPresent());
                yield null;
            }
            case "GET /modules" -> modules.get(r);
            case "POST /modules/dry-run" -> modules.post(r);
            case "POST /logout" -> {
                sessions.end(s.id());
                yield Response.html(error("Logged out. Run 'airlock ui' for a new login link."))
                        .with("Set-Cookie", COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
            }
            default -> Response.html(404, error("airlock: console: no page " + path));
        };
    }

    /**
     * The request target names a page of this console (RFC 9112 section 3.2): origin-form
     * ({@code /path?query}), or absolute-form whose scheme and authority are this console's own.
     * An absolute-form target names the site instead of the Host header (a proxy's request), so
     * one naming another host ({@code GET http://evil.example/secrets}, a rebinding page sent
     * through a proxy) must not be served even with a good Host header. Authority-form
     * ({@code host:port}, CONNECT's), asterisk-form ({@code *}, OPTIONS') and a scheme-relative
     * {@code //host/path} name nothing here.
     */
    private boolean ownTarget(URI u) {
        String path = u.getRawPath();
        if (path == null || !path.startsWith("/") || u.isOpaque()) return false;
        if (u.getScheme() == null) return u.getRawAuthority() == null;
        return origin.equalsIgnoreCase(u.getScheme() + "://" + u.getRawAuthority());
    }

    /**
     * A form post from one of our own pages. Referrer-Policy: no-referrer makes a browser send
     * {@code Origin: null} even for a same-origin form post (the Fetch standard's rule for
     * non-GET requests), so "null" passes only with {@code Sec-Fetch-Site: same-origin}, a header
     * no page can set and which says "same-site" for another port of 127.0.0.1, "cross-site" for a
     * rebinding or foreign page. Any other Origin must be exactly ours.
     */
    private boolean sameOrigin(String o, String fetchSite) {
        if (o == null) return false;
        if (o.equals(origin)) return fetchSite == null || fetchSite.equals("same-origin");
        return o.equals("null") && "same-origin".equals(fetchSite);
    }

    private Response login(HttpExchange x) {
        String token = Form.query(x.getRequestURI().getRawQuery()).get("t", "");
        if (!grants.redeem(token)) {
            return Response.html(403, error("airlock: console: this login link was used already, has expired (links last "
                    + LoginGrants.VALID.toMinutes() + " minutes) or was never issued. Run 'airlock ui' on the host for a new one."));
        }
        ConsoleSessions.Session s = sessions.create();
        // No __Host- prefix: it requires Secure, which a browser may drop on plain http://127.0.0.1.
        // Host-only (no Domain), Path=/, HttpOnly, SameSite=Strict is the same scope minus Secure.
        return Response.seeOther("/").with("Set-Cookie", COOKIE + "=" + s.id() + "; Path=/; HttpOnly; SameSite=Strict");
    }

    private static Optional<String> cookie(HttpExchange x) {
        List<String> all = x.getRequestHeaders().get("Cookie");
        if (all == null) return Optional.empty();
        for (String header : all) {
            for (String part : header.split(";")) {
                String p = part.strip();
                if (p.startsWith(COOKIE + "=")) return Optional.of(p.substring(COOKIE.length() + 1));
            }
        }
        return Optional.empty();
    }

    /** The body, or empty when it is larger than {@link #MAX_BODY} (by its Content-Length or by what arrived). */
    private static Optional<byte[]> body(HttpExchange x) throws IOException {
        String len = x.getRequestHeaders().getFirst("Content-Length");
        if (len != null) {
            try {
                if (Long.parseLong(len.strip()) > MAX_BODY) return Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        try (InputStream in = x.getRequestBody()) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            return b.length > MAX_BODY ? Optional.empty() : Optional.of(b);
        }
    }

    static void send(HttpExchange x, Response r) throws IOException {
        x.getResponseHeaders().set("Content-Type", r.contentType());
        for (Map.Entry<String, String> h : r.headers().entrySet()) x.getResponseHeaders().set(h.getKey(), h.getValue());
        x.sendResponseHeaders(r.status(), r.body().length == 0 ? -1 : r.body().length);
        if (r.body().length > 0) {
            try (OutputStream out = x.getResponseBody()) {
                out.write(r.body());
            }
        }
    }

    private static String error(String message) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>airlock</title>"
                + "<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\"><link rel=\"stylesheet\" href=\"/static/console.css\"></head><body><main><p class=\"notice bad\">"
                + Html.esc(message) + "</p></main></body></html>";
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        try {
            Files.deleteIfExists(uiDir.resolve(ADDRESS_FILE));
        } catch (IOException ignored) {
            // airlock ui finds nobody listening there and says so
        }
    }
}
