package airlock.daemon.console;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.Daemon;
import airlock.daemon.vault.StoredValue;
import airlock.daemon.vault.Vault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The live backend's refusals and views against a real daemon in this JVM (the browser tests cover the happy paths). */
class ConsoleLiveBackendTest {
    @TempDir
    Path tmp;

    private Daemon daemon(String agentExtra) throws Exception {
        Path config = tmp.resolve("config");
        Path work = Files.createDirectories(tmp.resolve("work")).toRealPath();
        Files.createDirectories(config.resolve("profiles"));
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"git\"]\n");
        String mounts = "[mounts]\n\"" + work + "\" = \"" + work + "\"\n";
        Files.writeString(config.resolve("profiles/agent.toml"), "commands = [\"git\"]\n" + agentExtra + mounts);
        Files.writeString(config.resolve("profiles/ci.toml"), "expires = " + Instant.now().plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS)
                + "\ncommands = [\"git\"]\n" + mounts);
        return Daemon.start(new ConfigDirectory(config), Map.of("PATH", "/usr/bin:/bin"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    private static ConsoleBackend backend(Daemon d) {
        return LiveBackend.of(d, (p, prof, c, a, cwd) -> new Modules.Trace(List.of(), false, "not used"));
    }

    @Test
    void profilesShowStateAndGrantsAndRefuseWhatIsNotAProfile() throws Exception {
        Vault.at(tmp.resolve("config/vault")).set("GH_TOKEN", "canary-LIVE-0b1c2d3e".getBytes(StandardCharsets.UTF_8), "github");
        try (Daemon d = daemon("[secrets.git]\nenv = { GIT_TOKEN = \"GH_TOKEN\" }\n[redact]\nalso = [\"GH_TOKEN\"]\n")) {
            ConsoleBackend b = backend(d);
            Profiles.View agent = b.profiles().list().getFirst();
            assertThat(agent.name()).isEqualTo("agent");
            assertThat(agent.state()).isEqualTo(Profiles.State.ACTIVE);
            assertThat(agent.secrets()).containsExactly("GH_TOKEN to git as $GIT_TOKEN", "GH_TOKEN (redacted only)");
            Profiles.View ci = b.profiles().list().get(1);
            assertThat(ci.state()).as("expires within a day").isEqualTo(Profiles.State.EXPIRING);
            assertThat(ci.detail()).startsWith("active, expires at ");

            for (String bad : List.of("../ci", "nobody", "", "ci.toml")) {
                assertThat(b.profiles().revoke(bad, "x")).isInstanceOf(Outcome.Refused.class);
                assertThat(b.profiles().lock(bad)).isInstanceOf(Outcome.Refused.class);
            }
            assertThat(b.profiles().revoke("ci", "x".repeat(201))).isInstanceOf(Outcome.Refused.class);
            assertThat(Files.readString(tmp.resolve("config/profiles/ci.toml"))).doesNotContain("revoked");

            assertThat(b.profiles().revoke("ci", "done\nwith it")).isInstanceOf(Outcome.Done.class);
            assertThat(d.listening()).containsExactly("agent");
            Profiles.View revoked = b.profiles().list().get(1);
            assertThat(revoked.state()).isEqualTo(Profiles.State.REVOKED);
            assertThat(revoked.detail()).as("a control character in the reason is not written").endsWith("(done with it)");
            assertThat(b.profiles().lock("ci")).isInstanceOf(Outcome.Refused.class);
            assertThat(b.profiles().rotate("ci")).isInstanceOf(Outcome.Refused.class);
            assertThat(b.profiles().revoke("ci", "")).isInstanceOf(Outcome.Refused.class);

            Outcome rotated = b.profiles().rotate("agent");
            assertThat(rotated).as("an unlocked profile gets a new socket and no key").isInstanceOf(Outcome.Done.class);
            Outcome lock = b.profiles().lock("agent");
            assertThat(lock).isInstanceOf(Outcome.KeyIssued.class);
            assertThat(b.profiles().lock("agent")).as("locked already").isInstanceOf(Outcome.Refused.class);
            assertThat(b.profiles().list().getFirst().detail()).contains("locked (key ark_")
                    .doesNotContain(((Outcome.KeyIssued) lock).key().substring(15));
        }
    }

    @Test
    void secretsAreMetadataOnlyAndBadValuesAreRefusedWithNothingStored() throws Exception {
        try (Daemon d = daemon("")) {
            ConsoleBackend b = backend(d);
            assertThat(b.secrets().list()).isEmpty();
            assertThat(b.secrets().set("bad name", "long-enough-value".toCharArray(), null).message()).contains("is not a secret name");
            assertThat(b.secrets().set("SHORT", "short".toCharArray(), null).message()).contains("at least 8");
            assertThat(b.secrets().list()).isEmpty();
            assertThat(b.secrets().set("TOKEN", "canary-ünïcode-1f2e".toCharArray(), "a token")).isInstanceOf(Outcome.Done.class);
            byte[] stored = StoredValue.of(Vault.at(tmp.resolve("config/vault")), "TOKEN");
            assertThat(new String(stored, StandardCharsets.UTF_8)).as("the exact UTF-8 bytes").isEqualTo("canary-ünïcode-1f2e");
            Secrets.View v = b.secrets().list().getFirst();
            assertThat(v.state()).isEqualTo(Secrets.State.SET);
            assertThat(v.description()).isEqualTo("a token");
            assertThat(v.toString()).doesNotContain("canary");
            assertThat(b.secrets().set("TOKEN", "another-value-2".toCharArray(), null)).isInstanceOf(Outcome.Done.class);
            assertThat(b.secrets().list().getFirst().description()).as("kept when none is given").isEqualTo("a token");
            assertThat(b.secrets().remove("TOKEN")).isInstanceOf(Outcome.Done.class);
            assertThat(b.secrets().remove("TOKEN")).isInstanceOf(Outcome.Refused.class);
            assertThat(b.secrets().remove("../master")).isInstanceOf(Outcome.Refused.class);
        }
    }

    @Test
    void anApprovalForAnUnknownIdOrAnotherBindingIsRefused() throws Exception {
        try (Daemon d = daemon("")) {
            ConsoleBackend b = backend(d);
            assertThat(b.approvals().waiting()).isEmpty();
            assertThat(b.approvals().approve("nope", "x", "console (test)").message()).contains("no request nope waits");
            assertThat(b.approvals().deny("nope", "x", "console (test)", "r").message()).contains("no request nope waits");
        }
    }
}
