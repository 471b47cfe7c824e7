package airlock.daemon;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, leak: credentials in the host user's own ~/.gitconfig (a token in an insteadOf base,
 * an http.extraHeader, a credential helper's arguments) never reach the agent, whichever way git
 * prints configuration: they are redacted from the run's output and counted.
 */
class HostGitConfigLeakTest {
    static final String URL_TOKEN = "ghp_UrlCanary0123456789";
    static final String BEARER = "BearerCanary_98765abcdef";
    static final String HELPER = "HelperCanary_4242xyz";
    static final String SECOND_URL_TOKEN = "glpat_SecondCanary987654"; // a second entry of the same section.variable

    @TempDir Path tmp;
    Daemon daemon;
    DaemonFixture f;

    @AfterEach
    void stop() {
        if (f != null) f.close();
    }

    @Test
    void noWayOfPrintingConfigurationShowsAHostCredential() throws Exception {
        f = new DaemonFixture(tmp, "");
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(home.resolve(".gitconfig"), "[url \"https://agent:" + URL_TOKEN + "@github.example/\"]\n"
                + "\tinsteadOf = https://github.example/\n"
                + "[url \"https://oauth2:" + SECOND_URL_TOKEN + "@gitlab.example/\"]\n\tinsteadOf = https://gitlab.example/\n"
                + "[http]\n\textraHeader = Authorization: Bearer " + BEARER + "\n"
                + "[credential]\n\thelper = \"!f() { echo password=" + HELPER + "; }; f\"\n"
                + "[user]\n\tname = Host User\n");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("HOME", home.toString());
        f.daemon = Daemon.start(new ConfigDirectory(f.config), env, new PrintStream(f.stderr, true));
        Git.run(f.repo, "remote", "add", "origin", "https://github.example/team/repo.git");

        StringBuilder all = new StringBuilder();
        for (List<String> args : List.of(
                List.of("config", "--list"), List.of("config", "-l", "--show-origin"), List.of("config", "--get", "http.extraheader"),
                List.of("config", "--get-regexp", "credential.*"), List.of("config", "--get-urlmatch", "http", "https://github.example/"),
                List.of("var", "-l"), List.of("remote", "-v"), List.of("remote", "get-url", "origin"),
                List.of("ls-remote", "--get-url", "origin"), List.of("config", "user.name"))) {
            var r = f.git(args.toArray(String[]::new));
            assertThat(r.refusal()).as(args + ": " + r).isNull();
            all.append(r.out()).append(r.err());
        }
        String seen = all.toString();
        // the configuration is still readable, only the credentials are gone
        assertThat(seen).contains("Host User").contains("[airlock:redacted git-config:");
        for (String canary : List.of(URL_TOKEN, BEARER, HELPER, SECOND_URL_TOKEN)) {
            assertThat(seen).doesNotContain(canary).doesNotContain(canary.substring(0, 12))
                    .doesNotContain(Base64.getEncoder().encodeToString(canary.getBytes(StandardCharsets.UTF_8)));
        }
        String audit = Files.readString(new ConfigDirectory(f.config).auditDir().resolve("audit.ndjson"));
        assertThat(audit).contains("\"redactions\":{\"git-config:");
        for (String canary : List.of(URL_TOKEN, BEARER, HELPER, SECOND_URL_TOKEN)) {
            assertThat(audit).doesNotContain(canary.substring(0, 12));
            assertThat(f.stderr.toString(StandardCharsets.UTF_8)).doesNotContain(canary.substring(0, 12));
        }
    }
}
