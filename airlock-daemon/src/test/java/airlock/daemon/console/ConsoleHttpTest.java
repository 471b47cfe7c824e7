package airlock.daemon.console;

import airlock.rules.Config;
import airlock.rules.ConfigError;
import airlock.rules.ConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The console over real HTTP on 127.0.0.1:0, against the in-memory test double. */
class ConsoleHttpTest {
    static final String CANARY = "canary-SECRET-7f3a9c1e-value";

    @TempDir
    Path tmp;
    MutableClock clock;
    InMemoryConsoleDouble world;
    Console console;
    RawHttp http;
    final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        clock = new MutableClock();
        world = new InMemoryConsoleDouble();
        console = Console.start(world.backend(), ui("127.0.0.1", false), tmp.resolve("ui"),
                new PrintStream(log, true, StandardCharsets.UTF_8), clock, Duration.ofMinutes(30));
        http = new RawHttp(console.address());
    }

    @AfterEach
    void stop() {
        if (console != null) console.close();
    }

    static Config.UiSettings ui(String host, boolean remote) {
        return new Config.UiSettings(Optional.of(host), 0, remote);
    }

    record Login(String cookie, String csrf) {}

    Login login() throws Exception {
        RawHttp.Reply r = http.get("/login?t=" + console.grants().mint());
        assertThat(r.status()).isEqualTo(303);
        String cookie = r.header("Set-Cookie").split(";")[0];
        RawHttp.Reply page = http.get("/", "Cookie", cookie);
        Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page.body());
        assertThat(m.find()).isTrue();
        return new Login(cookie, m.group(1));
    }

    RawHttp.Reply postAs(Login l, String path, String form) throws Exception {
        return http.post(path, form + "&csrf=" + l.csrf(), "Cookie", l.cookie(), "Origin", "http://" + http.authority());
    }

    static void assertSecurityHeaders(RawHttp.Reply r) {
        assertThat(r.header("Content-Security-Policy")).contains("default-src 'self'").contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-inline").doesNotContain("http:").doesNotContain("https:");
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
    }

    @Test
    void everyResponseCarriesTheSecurityHeaders() throws Exception {
        Login l = login();
        List<RawHttp.Reply> replies = new ArrayList<>();
        for (String p : List.of("/", "/profiles", "/secrets", "/approvals", "/activity", "/modules", "/activity/record?seq=99", "/nope",
                "/static/console.css", "/static/console.js", "/static/missing.js")) {
            replies.add(http.get(p, "Cookie", l.cookie()));
        }
        replies.add(http.get("/"));                                                     // 401
        replies.add(http.get("/", "Host", "evil.example:80"));                         // 421
        replies.add(http.get("/login?t=nope"));                                         // 403
        replies.add(http.post("/profiles/lock", "profile=ci", "Cookie", l.cookie()));  // 403 no Origin
        replies.add(http.send("DELETE", "/", null, "Cookie", l.cookie()));            // 405
        replies.add(postAs(l, "/approvals/deny", "id=a2"));                            // 200
        assertThat(replies).extracting(RawHttp.Reply::status).contains(200, 401, 403, 404, 405, 421);
        replies.forEach(ConsoleHttpTest::assertSecurityHeaders);
    }

    @Test
    void aHostHeaderThatIsNotTheListenAddressGets421() throws Exception {
        Login l = login();
        int port = console.address().getPort();
        for (String host : List.of("evil.example:" + port, "localhost:" + port, "127.0.0.1", "127.0.0.1:" + (port + 1), "")) {
            RawHttp.Reply r = http.get("/", "Host", host, "Cookie", l.cookie());
            assertThat(r.status()).as(host).isEqualTo(421);
            assertThat(r.body()).doesNotContain("Overview");
        }
        assertThat(http.get("/", "Cookie", l.cookie()).status()).isEqualTo(200);
    }

    @Test
    void withoutASessionNothingButTheLoginLinkAndTheAssetsAnswer() throws Exception {
        for (String p : List.of("/", "/profiles", "/secrets", "/approvals", "/activity", "/activity/feed", "/modules", "/activity/record?seq=1")) {
            RawHttp.Reply r = http.get(p);
            assertThat(r.status()).as(p).isEqualTo(401);
            assertThat(r.body()).contains("airlock ui");
        }
        assertThat(http.get("/", "Cookie", Console.COOKIE + "=" + Tokens.fresh()).status()).isEqualTo(401);
        RawHttp.Reply post = http.post("/profiles/revoke", "profile=ci", "Origin", "http://" + http.authority());
        assertThat(post.status()).isEqualTo(401);
        assertThat(world.profiles.get("ci").state()).isEqualTo(Profiles.State.ACTIVE);
        assertThat(http.get("/static/console.css").status()).isEqualTo(200);
    }

    @Test
    void theLoginLinkWorksOnceAndSetsAStrictHttpOnlyCookie() throws Exception {
        String token = console.grants().mint();
        RawHttp.Reply first = http.get("/login?t=" + token);
        assertThat(first.status()).isEqualTo(303);
        assertThat(first.header("Location")).isEqualTo("/");
        String cookie = first.header("Set-Cookie");
        assertThat(cookie).startsWith(Console.COOKIE + "=").contains("HttpOnly").contains("SameSite=Strict").contains("Path=/")
                .doesNotContain("Domain").doesNotContain(token);
        RawHttp.Reply second = http.get("/login?t=" + token);
        assertThat(second.status()).isEqualTo(403);
        assertThat(second.header("Set-Cookie")).isNull();
        assertThat(second.body()).contains("used already");
        // the grant directory keeps no token, only its hash, and nothing is left after the visit
        try (var s = Files.list(tmp.resolve("ui/logins"))) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test
    void aLoginLinkExpiresAfterFiveMinutes() throws Exception {
        String token = console.grants().mint();
        clock.advance(LoginGrants.VALID.plusSeconds(1));
        assertThat(http.get("/login?t=" + token).status()).isEqualTo(403);
    }

    @Test
    void aGrantFileOthersCanReadIsRefused() throws Exception {
        String token = console.grants().mint();
        Path grant = tmp.resolve("ui/logins/" + Tokens.sha256(token));
        Files.setPosixFilePermissions(grant, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(http.get("/login?t=" + token).status()).isEqualTo(403);
    }

    @Test
    void anIdleSessionExpires() throws Exception {
        Login l = login();
        clock.advance(Duration.ofMinutes(29));
        assertThat(http.get("/", "Cookie", l.cookie()).status()).isEqualTo(200); // touching keeps it alive
        clock.advance(Duration.ofMinutes(29));
        assertThat(http.get("/", "Cookie", l.cookie()).status()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(31));
        assertThat(http.get("/", "Cookie", l.cookie()).status()).isEqualTo(401);
        assertThat(postAs(l, "/profiles/lock", "profile=ci").status()).isEqualTo(401);
        assertThat(world.profiles.get("ci").state()).isEqualTo(Profiles.State.ACTIVE);
    }

    @Test
    void aPostWithoutTheRightCsrfTokenChangesNothing() throws Exception {
        Login l = login();
        String origin = "http://" + http.authority();
        RawHttp.Reply missing = http.post("/profiles/revoke", "profile=ci", "Cookie", l.cookie(), "Origin", origin);
        RawHttp.Reply wrong = http.post("/profiles/revoke", "profile=ci&csrf=" + Tokens.fresh(), "Cookie", l.cookie(), "Origin", origin);
        RawHttp.Reply otherSession = http.post("/profiles/revoke", "profile=ci&csrf=" + login().csrf(), "Cookie", l.cookie(), "Origin", origin);
        assertThat(List.of(missing.status(), wrong.status(), otherSession.status())).containsOnly(403);
        assertThat(missing.body()).contains("CSRF");
        assertThat(world.profiles.get("ci").state()).isEqualTo(Profiles.State.ACTIVE);
        RawHttp.Reply ok = postAs(l, "/profiles/revoke", "profile=ci");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(world.profiles.get("ci").state()).isEqualTo(Profiles.State.REVOKED);
    }

    @Test
    void aPostFromAForeignOriginOrWithoutOneChangesNothing() throws Exception {
        Login l = login();
        int port = console.address().getPort();
        for (String origin : List.of("http://evil.example", "http://localhost:" + port, "https://127.0.0.1:" + port, "null",
                "http://127.0.0.1:" + (port + 1))) {
            RawHttp.Reply r = http.post("/approvals/approve", "id=a1&csrf=" + l.csrf(), "Cookie", l.cookie(), "Origin", origin);
            assertThat(r.status()).as(origin).isEqualTo(403);
        }
        assertThat(http.post("/approvals/approve", "id=a1&csrf=" + l.csrf(), "Cookie", l.cookie()).status()).isEqualTo(403);
        // a sandboxed or no-referrer page sends Origin: null; only the browser's own same-origin mark lets that through
        for (String site : new String[]{null, "cross-site", "same-site", "none"}) {
            assertThat(http.post("/approvals/approve", "id=a1&csrf=" + l.csrf(), "Cookie", l.cookie(), "Origin", "null",
                    "Sec-Fetch-Site", site).status()).as(site).isEqualTo(403);
        }
        assertThat(http.post("/approvals/approve", "id=a1&csrf=" + l.csrf(), "Cookie", l.cookie(), "Origin", "http://evil.example",
                "Sec-Fetch-Site", "same-origin").status()).isEqualTo(403);
        assertThat(http.post("/approvals/approve", "id=a1&csrf=" + l.csrf(), "Cookie", l.cookie(), "Origin", "http://" + http.authority(),
                "Sec-Fetch-Site", "cross-site").status()).isEqualTo(403);
        assertThat(world.decisions).isEmpty();
        assertThat(postAs(l, "/approvals/approve", "id=a1").status()).isEqualTo(200);
        assertThat(world.decisions).containsExactly("approve a1");
        // what Chromium sends for a form on our own page under Referrer-Policy: no-referrer
        assertThat(http.post("/approvals/deny", "id=a2&csrf=" + l.csrf(), "Cookie", l.cookie(), "Origin", "null",
                "Sec-Fetch-Site", "same-origin").status()).isEqualTo(200);
        assertThat(world.decisions).containsExactly("approve a1", "deny a2");
    }

    @Test
    void aFormLargerThanTheLimitIsRefused() throws Exception {
        Login l = login();
        RawHttp.Reply r = postAs(l, "/secrets/set", "name=BIG&value=" + "x".repeat(Console.MAX_BODY));
        assertThat(r.status()).isEqualTo(413);
        assertThat(world.secrets).doesNotContainKey("BIG");
    }

    @Test
    void aSecretsValueIsNeverSentBack() throws Exception {
        Login l = login();
        RawHttp.Reply set = postAs(l, "/secrets/set", "name=AWS_PROFILE_DEV&value=" + URLEncoder.encode(CANARY, StandardCharsets.UTF_8));
        assertThat(set.status()).isEqualTo(200);
        assertThat(new String(world.secretValues.get("AWS_PROFILE_DEV"))).isEqualTo(CANARY);
        assertThat(world.secrets.get("AWS_PROFILE_DEV").set()).isTrue();
        List<String> seen = new ArrayList<>(List.of(set.body(), set.headers().toString(), log.toString(StandardCharsets.UTF_8)));
        for (String p : List.of("/", "/profiles", "/secrets", "/approvals", "/activity", "/modules")) {
            RawHttp.Reply r = http.get(p, "Cookie", l.cookie());
            seen.add(r.body());
            seen.add(r.headers().toString());
        }
        for (String s : seen) {
            assertThat(s).doesNotContain(CANARY).doesNotContain(URLEncoder.encode(CANARY, StandardCharsets.UTF_8))
                    .doesNotContain(java.util.Base64.getEncoder().encodeToString(CANARY.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** Issue 24: a remote agent's request shows, under its profile, which key sent it and from where. */
    @Test
    void anApiRequestSaysWhichKeyAndAddressSentIt() throws Exception {
        Login l = login();
        world.record("default", "python3", List.of("main.py"), "allowed", Instant.now(), "ark_0123456789", "203.0.113.7");
        world.record("default", "git", List.of("status"), "allowed", Instant.now());
        String page = http.get("/activity", "Cookie", l.cookie()).body();
        assertThat(page).contains("via https key ark_0123456789 from 203.0.113.7");
        assertThat(page.split("via https key", -1)).as("only the API's request says it came over https").hasSize(2);
        assertThat(world.audit.getFirst().rowJson()).contains("\"via\":\"https key ark_0123456789 from 203.0.113.7\"");
        assertThat(world.audit.getLast().rowJson()).contains("\"via\":\"\"");
    }

    @Test
    void rotateShowsTheKeyInThatOneResponseOnly() throws Exception {
        Login l = login();
        RawHttp.Reply r = postAs(l, "/profiles/rotate", "profile=default");
        Matcher m = Pattern.compile("<pre id=\"key-value\">([^<]+)</pre>").matcher(r.body());
        assertThat(m.find()).isTrue();
        assertThat(http.get("/profiles", "Cookie", l.cookie()).body()).doesNotContain(m.group(1)).doesNotContain("key-value");
    }

    @Test
    void theLiveFeedStreamsNewRecords() throws Exception {
        Login l = login();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", console.address().getPort()), 5000);
            s.setSoTimeout(10000);
            s.getOutputStream().write(("GET /activity/feed HTTP/1.1\r\nHost: " + http.authority() + "\r\nCookie: " + l.cookie()
                    + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            assertThat(RawHttp.line(in)).contains("200");
            String line;
            boolean securityHeaders = false;
            while (!(line = RawHttp.line(in)).isEmpty()) {
                if (line.toLowerCase().startsWith("content-security-policy:")) securityHeaders = true;
            }
            assertThat(securityHeaders).isTrue();
            // wait until the server subscribed (its first chunk), then write a record
            StringBuilder got = new StringBuilder();
            while (!got.toString().contains("retry:")) got.append((char) in.read());
            world.record("default", "git", List.of("status", "<b>", "txt.\u202eexe"), "allowed", Instant.now());
            while (!got.toString().contains("\"seq\":1")) got.append((char) in.read());
            while (!got.toString().endsWith("\n\n")) got.append((char) in.read());
            assertThat(got.toString()).contains("\"command\":\"git\"").contains("\"outcome\":\"allowed\"")
                    .contains("\"line\":\"git status '<b>' $'txt.\\\\u202eexe'\"").doesNotContain("\u202e");
        }
    }

    /** Issue 21.5: a feed opened before "Log out" ends with the logout; nothing written after it reaches the stream. */
    @Test
    void logoutEndsTheLiveFeedOfThatSession() throws Exception {
        Login l = login();
        Login other = login();
        try (Socket s = feed(l); Socket o = feed(other)) {
            InputStream in = s.getInputStream();
            world.record("default", "git", List.of("status"), "allowed", Instant.now());
            assertThat(untilRecord(in)).contains("\"seq\":1");
            assertThat(untilRecord(o.getInputStream())).contains("\"seq\":1");
            RawHttp.Reply out = postAs(l, "/logout", "");
            assertThat(out.status()).isEqualTo(200);
            world.record("default", "git", List.of("push", "after-logout"), "allowed", Instant.now());
            // the stream ends (the chunked body's last chunk), and the record written after the logout is not on it
            StringBuilder rest = new StringBuilder();
            String chunk;
            while ((chunk = chunk(in)) != null) rest.append(chunk);
            assertThat(rest.toString()).doesNotContain("after-logout").doesNotContain("\"seq\":2");
            // the other session's feed is not ended by it
            assertThat(untilRecord(o.getInputStream())).contains("after-logout");
        }
        assertThat(http.get("/activity/feed", "Cookie", l.cookie()).status()).isEqualTo(401);
    }

    /** An SSE stream on a raw socket, past its response headers. */
    private Socket feed(Login l) throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", console.address().getPort()), 5000);
        s.setSoTimeout(10000);
        s.getOutputStream().write(("GET /activity/feed HTTP/1.1\r\nHost: " + http.authority() + "\r\nCookie: " + l.cookie()
                + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = s.getInputStream();
        assertThat(RawHttp.line(in)).contains("200");
        while (!RawHttp.line(in).isEmpty()) {
            // headers
        }
        assertThat(chunk(in)).contains("retry:"); // subscribed
        return s;
    }

    /** Chunks until one carries a record. */
    private static String untilRecord(InputStream in) throws Exception {
        String c;
        while ((c = chunk(in)) != null) if (c.contains("data:")) return c;
        throw new AssertionError("the stream ended");
    }

    /** One chunk of a chunked body, or null at its last chunk (or the connection's end). */
    private static String chunk(InputStream in) throws Exception {
        String size = RawHttp.line(in).strip();
        if (size.isEmpty() || size.equals("0")) return null;
        String c = new String(in.readNBytes(Integer.parseInt(size, 16)), StandardCharsets.UTF_8);
        RawHttp.line(in);
        return c;
    }

    /**
     * Issue 21.6: an absolute-form target naming another host is refused whatever the Host header
     * says; authority-form, asterisk-form and a scheme-relative target serve nothing either.
     */
    @Test
    void aRequestTargetNamingAnotherHostOrNoPathIsRefused() throws Exception {
        Login l = login();
        int port = console.address().getPort();
        for (String target : List.of("http://evil.example:" + port + "/secrets", "http://evil.example/secrets",
                "http://localhost:" + port + "/secrets", "http://127.0.0.1:" + (port + 1) + "/secrets",
                "https://127.0.0.1:" + port + "/secrets", "http://user@127.0.0.1:" + port + "/secrets",
                "//evil.example/secrets", "evil.example:" + port, "127.0.0.1:" + port, "*", "secrets", "mailto:x@evil.example")) {
            RawHttp.Reply r = raw("GET " + target + " HTTP/1.1\r\nHost: " + http.authority() + "\r\nCookie: " + l.cookie()
                    + "\r\nConnection: close\r\n\r\n");
            assertThat(r.status()).as(target).isIn(0, 400, 404, 421);
            assertThat(r.body()).as(target).doesNotContain("Secrets").doesNotContain("AWS_PROFILE_DEV").doesNotContain("csrf");
        }
        for (String line : List.of("OPTIONS * HTTP/1.1", "CONNECT 127.0.0.1:" + port + " HTTP/1.1", "CONNECT evil.example:443 HTTP/1.1")) {
            RawHttp.Reply r = raw(line + "\r\nHost: " + http.authority() + "\r\nCookie: " + l.cookie() + "\r\nConnection: close\r\n\r\n");
            assertThat(r.status()).as(line).isIn(0, 400, 404, 405, 421);
            assertThat(r.body()).as(line).doesNotContain("Overview").doesNotContain("csrf");
        }
        // a POST in absolute form naming another host changes nothing
        String form = "profile=ci&csrf=" + l.csrf();
        RawHttp.Reply post = raw("POST http://evil.example:" + port + "/profiles/revoke HTTP/1.1\r\nHost: " + http.authority()
                + "\r\nCookie: " + l.cookie() + "\r\nOrigin: http://" + http.authority()
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length()
                + "\r\nConnection: close\r\n\r\n" + form);
        assertThat(post.status()).isEqualTo(421);
        assertThat(world.profiles.get("ci").state()).isEqualTo(Profiles.State.ACTIVE);
        // the console's own absolute URL is a proxy's ordinary request (RFC 9112 says a server accepts it)
        RawHttp.Reply own = raw("GET http://" + http.authority() + "/secrets HTTP/1.1\r\nHost: " + http.authority()
                + "\r\nCookie: " + l.cookie() + "\r\nConnection: close\r\n\r\n");
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.body()).contains("Secrets");
    }

    private RawHttp.Reply raw(String request) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(console.address(), 5000);
            s.setSoTimeout(10000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            java.io.BufferedInputStream in = new java.io.BufferedInputStream(s.getInputStream());
            in.mark(1);
            // the JDK's server closes the connection without a response on a target it cannot parse
            if (in.read() == -1) return new RawHttp.Reply(0, java.util.Map.of(), "");
            in.reset();
            return RawHttp.read(in);
        }
    }

    @Test
    void aNonLoopbackListenAddressIsRefusedAtLoadAndAtStart() throws Exception {
        String base = "[commands]\nenable = [\"git\"]\n";
        for (String addr : List.of("192.168.1.10:9090", "[fe80::1]:9090", "8.8.8.8:80")) {
            assertThatThrownBy(() -> ConfigLoader.config("config.toml", base + "[ui]\nlisten = \"" + addr + "\"\n"))
                    .isInstanceOf(ConfigError.class).hasMessageContaining("config.toml:4").hasMessageContaining("ui.listen")
                    .hasMessageContaining("not a loopback address").hasMessageContaining("allow_remote");
        }
        assertThatThrownBy(() -> ConfigLoader.config("config.toml", base + "[ui]\nlisten = \"localhost:9090\"\n"))
                .isInstanceOf(ConfigError.class).hasMessageContaining("not an IP address");
        assertThat(ConfigLoader.config("config.toml", base + "[ui]\nlisten = \"192.168.1.10:9090\"\nallow_remote = true\n").ui().allowRemote()).isTrue();
        for (String wildcard : List.of("0.0.0.0:9090", "[::]:9090")) {
            assertThatThrownBy(() -> ConfigLoader.config("config.toml", base + "[ui]\nlisten = \"" + wildcard + "\"\nallow_remote = true\n"))
                    .isInstanceOf(ConfigError.class).hasMessageContaining("wildcard");
        }
        assertThat(ConfigLoader.config("config.toml", base + "[ui]\nlisten = \"[::1]:9090\"\n").ui().authority(9090)).isEqualTo("[::1]:9090");
        assertThat(ConfigLoader.config("config.toml", base).ui().enabled()).isFalse();
        assertThatThrownBy(() -> Console.start(world.backend(), ui("192.168.1.10", false), tmp.resolve("ui2"), System.err))
                .hasMessageContaining("not a loopback address").hasMessageContaining("allow_remote");
    }

    /**
     * Issue 27: the daemon image's console listens on every address of its container and answers
     * only as [ui] public_url, the address a person types on the host (a published port: the
     * port it listens on inside differs). The Host check, the absolute-form check and the Origin
     * check all follow that URL; the container's own address is refused like any other name.
     */
    @Test
    void withAPublicUrlItAnswersToThatAddressOnlyEvenOnAWildcard() throws Exception {
        console.close();
        console = Console.start(world.backend(), new Config.UiSettings(Optional.of("0.0.0.0"), 0, true,
                        Optional.of(new Config.PublicUrl("http", "localhost:9090"))), tmp.resolve("ui"),
                new PrintStream(log, true, StandardCharsets.UTF_8), clock, Duration.ofMinutes(30));
        int port = console.address().getPort();
        RawHttp inside = new RawHttp(new java.net.InetSocketAddress("127.0.0.1", port));
        assertThat(console.origin()).isEqualTo("http://localhost:9090");
        assertThat(Files.readString(tmp.resolve("ui").resolve(Console.ADDRESS_FILE))).isEqualTo("127.0.0.1:" + port + "\nhttp://localhost:9090\n");

        RawHttp.Reply login = inside.get("/login?t=" + console.grants().mint(), "Host", "localhost:9090");
        assertThat(login.status()).isEqualTo(303);
        String cookie = login.header("Set-Cookie").split(";")[0];
        assertThat(inside.get("/", "Host", "localhost:9090", "Cookie", cookie).status()).isEqualTo(200);
        for (String host : List.of("127.0.0.1:" + port, "0.0.0.0:" + port, "localhost:" + port, "evil.example:9090", "localhost")) {
            assertThat(inside.get("/", "Host", host, "Cookie", cookie).status()).as(host).isEqualTo(421);
        }
        RawHttp.Reply own = raw("GET http://localhost:9090/ HTTP/1.1\r\nHost: localhost:9090\r\nCookie: " + cookie
                + "\r\nConnection: close\r\n\r\n");
        assertThat(own.status()).isEqualTo(200);
        RawHttp.Reply other = raw("GET http://127.0.0.1:" + port + "/ HTTP/1.1\r\nHost: localhost:9090\r\nCookie: " + cookie
                + "\r\nConnection: close\r\n\r\n");
        assertThat(other.status()).isEqualTo(421);
        // a form from the page the person opened passes; one naming the listen address does not
        RawHttp.Reply page = inside.get("/", "Host", "localhost:9090", "Cookie", cookie);
        Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page.body());
        assertThat(m.find()).isTrue();
        assertThat(inside.post("/logout", "csrf=" + m.group(1), "Host", "localhost:9090", "Cookie", cookie,
                "Origin", "http://127.0.0.1:" + port).status()).isEqualTo(403);
        assertThat(inside.post("/logout", "csrf=" + m.group(1), "Host", "localhost:9090", "Cookie", cookie,
                "Origin", "http://localhost:9090").status()).isEqualTo(200);
    }

    @Test
    void theAddressFileForAirlockUiIsOwnerOnlyAndGoesAwayAtClose() throws Exception {
        Path address = tmp.resolve("ui").resolve(Console.ADDRESS_FILE);
        assertThat(Files.readString(address).strip()).isEqualTo(http.authority());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(address))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("ui")))).isEqualTo("rwx------");
        console.close();
        assertThat(address).doesNotExist();
        console = null;
    }
}
