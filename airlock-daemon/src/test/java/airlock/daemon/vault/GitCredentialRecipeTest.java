package airlock.daemon.vault;

import airlock.daemon.gate.HostEnvironment;
import airlock.daemon.ConfigDirectory;
import airlock.rules.CommandModule;
import airlock.rules.ConfigLoader;
import airlock.rules.ModuleLoader;
import airlock.rules.Profile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built-in git module's credential helper, run by the real git with the environment the
 * daemon builds: the vault token goes to the one https host the profile names and to no other.
 */
class GitCredentialRecipeTest {
    static final String TOKEN = "ghp_gitRecipeCanary0123456789";

    @TempDir Path tmp;

    record Fill(int exit, String out) {}

    Fill fill(Map<String, String> injected, String protocol, String host) throws Exception {
        CommandModule git = ModuleLoader.load("git", "builtin:git", ConfigDirectory.BuiltinModules.text("git").orElseThrow());
        Profile profile = ConfigLoader.profile("p", "profiles/p.toml", """
                commands = []
                [env]
                set = { AIRLOCK_GIT_HOST = "git.example.test" }
                [secrets.git]
                env = { AIRLOCK_GIT_TOKEN = "github_token" }
                """);
        Path home = Files.createDirectories(tmp.resolve("home"));
        Map<String, String> env = HostEnvironment.build(Map.of("PATH", System.getenv("PATH"), "HOME", home.toString()),
                Map.of("AIRLOCK_GIT_HOST", "evil.example.test"), profile, git, injected);
        ProcessBuilder pb = new ProcessBuilder("git", "credential", "fill").directory(tmp.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().write(("protocol=" + protocol + "\nhost=" + host + "\npath=owner/repo.git\n\n").getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Fill(p.exitValue(), out);
    }

    @Test
    void theTokenGoesToTheProfilesHttpsHostOnly() throws Exception {
        Fill ok = fill(Map.of("AIRLOCK_GIT_TOKEN", TOKEN), "https", "git.example.test");
        assertThat(ok.exit()).as(ok.out()).isZero();
        assertThat(ok.out()).contains("username=x-access-token\npassword=" + TOKEN + "\n");

        for (Fill refused : new Fill[]{fill(Map.of("AIRLOCK_GIT_TOKEN", TOKEN), "https", "evil.example.test"),
                fill(Map.of("AIRLOCK_GIT_TOKEN", TOKEN), "http", "git.example.test"),
                fill(Map.of("AIRLOCK_GIT_TOKEN", TOKEN), "https", "git.example.test.evil.example.test"),
                fill(Map.of(), "https", "git.example.test")}) {
            assertThat(refused.exit()).isNotZero(); // no helper answered and prompting is off
            assertThat(refused.out()).doesNotContain(TOKEN).doesNotContain("password=");
        }
    }
}
