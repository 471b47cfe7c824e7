package airlock.cli;

import airlock.daemon.ShimRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The shim invoked as 'airlock': skill, whoami, secrets, secrets request, through a real daemon. */
class AgentVerbsTest {
    private static final String CANARY = "canary-Value-9f3a7c1e5d";

    @TempDir
    Path tmp;

    private static ShimRunner.Result airlock(LifecycleWorld w, String... args) throws Exception {
        return w.runShim("airlock", Map.of(), args);
    }

    @Test
    void skillDescribesTheLivePolicyAndChangesWithTheProfile() throws Exception {
        try (LifecycleWorld w = new LifecycleWorld(tmp, "[ask]\nargs = [\"push\"]\n", "expires = 2099-01-01T00:00:00Z\n").start()) {
            w.secrets.setAndGrant("GITHUB_TOKEN", CANARY, "agent", "push to github.com/acme");
            ShimRunner.Result skill = airlock(w, "skill");
            assertThat(skill.exit()).as(skill.err()).isZero();
            assertThat(skill.out()).startsWith("---\nname: airlock\n")
                    .contains("### tool").contains("the subcommand `rm`").contains("the flag `--force` (in any spelling)")
                    .contains("Waits for a person on the host to approve").contains("the subcommand `push`")
                    .contains("`" + w.work + "` and below").contains("expires: 2099-01-01T00:00:00Z")
                    .contains("`GITHUB_TOKEN`: set, push to github.com/acme").contains("airlock secrets request NAME")
                    .contains("126: refused by policy")
                    .doesNotContain(CANARY);

            Path other = Files.createDirectories(tmp.resolve("other")).toRealPath();
            Files.writeString(w.profileFile(), "commands = []\n[mounts]\n\"" + other + "\" = \"" + other + "\"\n");
            assertThat(w.daemon.reloader().reload()).isTrue();
            String after = airlock(w, "skill").out();
            assertThat(after).contains("`" + other + "` and below").doesNotContain("`" + w.work + "` and below")
                    .contains("expires: never").doesNotContain(CANARY);
            assertThat(w.events("session").toString()).doesNotContain(CANARY);
        }
    }

    @Test
    void whoamiSecretsAndARequestedSlotThatAPersonFills() throws Exception {
        try (LifecycleWorld w = new LifecycleWorld(tmp, "", "").start()) {
            ShimRunner.Result who = airlock(w, "whoami");
            assertThat(who.out()).contains("profile  agent").contains("state    active").contains("expires  never").contains("commands tool");

            assertThat(airlock(w, "secrets").out()).contains("no secrets for profile agent");
            ShimRunner.Result req = airlock(w, "secrets", "request", "NPM_TOKEN", "--description", "publish @acme packages");
            assertThat(req.exit()).as(req.err()).isZero();
            assertThat(req.out()).contains("requested secret NPM_TOKEN (empty)");
            assertThat(airlock(w, "secrets").out()).contains("NPM_TOKEN").contains("empty").contains("requested by agent");
            ShimRunner.Result twice = airlock(w, "secrets", "request", "NPM_TOKEN", "--description", "again");
            assertThat(twice.exit()).isEqualTo(126);
            assertThat(twice.err()).contains("exists already");
            ShimRunner.Result bad = airlock(w, "secrets", "request", "../etc", "--description", "x");
            assertThat(bad.err()).contains("is not a name");

            w.secrets.setAndGrant("NPM_TOKEN", CANARY, "agent", "publish @acme packages"); // the person on the host
            String listed = airlock(w, "secrets").out();
            assertThat(listed).contains("NPM_TOKEN").contains("set").doesNotContain(CANARY);
            assertThat(w.audit().toString()).contains("secrets").doesNotContain(CANARY);

            ShimRunner.Result usage = airlock(w);
            assertThat(usage.exit()).isZero();
            assertThat(usage.out()).contains("airlock skill");
        }
    }

    @Test
    void everyVerbIsRefusedForARevokedOrExpiredProfile() throws Exception {
        // The socket stays and refuses every request with why (126, issue 20.6); the verbs
        // themselves refuse too, for a connection accepted in the instant before (see AgentVerbsUnitTest).
        try (LifecycleWorld w = new LifecycleWorld(tmp, "", "").start()) {
            assertThat(w.cli.run("profile revoke agent").exit()).isZero();
            for (String[] verb : new String[][]{{"skill"}, {"whoami"}, {"secrets"}, {"secrets", "request", "X", "--description", "y"}}) {
                ShimRunner.Result r = airlock(w, verb);
                assertThat(r.exit()).as(String.join(" ", verb)).isEqualTo(126);
                assertThat(r.err()).as(String.join(" ", verb)).startsWith("airlock: profile 'agent' was revoked at");
            }
        }
    }
}
