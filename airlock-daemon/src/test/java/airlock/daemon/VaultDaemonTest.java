package airlock.daemon;

import airlock.daemon.vault.Vault;
import airlock.rules.ConfigError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The daemon's start with a vault: what it refuses, what it cleans, what it records. */
class VaultDaemonTest {
    static final byte[] CANARY = "ghp_daemonCanary0123456789".getBytes(StandardCharsets.US_ASCII);

    @TempDir Path tmp;

    @Test
    void aProfileNamingAMissingSecretFailsTheLoadWithFileLineAndKey() throws Exception {
        try (DaemonFixture f = new DaemonFixture(tmp, "")) {
            Path profile = f.config.resolve("profiles/default.toml");
            Files.writeString(profile, Files.readString(profile) + "[secrets.git]\nenv = { AIRLOCK_GIT_TOKEN = \"github_token\" }\n");
            int line = (int) Files.readString(profile).lines().count();
            assertThatThrownBy(f::start).isInstanceOf(ConfigError.class).hasMessage(profile + ":" + line
                    + ": key 'secrets.git.env.AIRLOCK_GIT_TOKEN': names secret 'github_token', which the vault does not have (airlock secret set github_token)");
            Vault.at(f.config.resolve("vault")).request("github_token", "default", "");
            f.start(); // exists without a value: loads; the requests that need it are refused naming it
            assertThat(f.daemon.listening()).containsExactly("default");
        }
    }

    @Test
    void aVaultOthersCanReadStopsTheStartSayingWhy() throws Exception {
        try (DaemonFixture f = new DaemonFixture(tmp, "")) {
            Vault vault = Vault.at(f.config.resolve("vault"));
            vault.set("github_token", CANARY, "");
            Files.setPosixFilePermissions(vault.files().masterKey(), PosixFilePermissions.fromString("rw-r-----"));
            assertThatThrownBy(f::start).hasMessage("the vault is not private: " + vault.files().masterKey()
                    + " has mode rw-r-----; it must be rw------- (chmod 600 " + vault.files().masterKey() + ")");
            assertThat(f.config.resolve("sockets/default.sock")).doesNotExist();
        }
    }

    @Test
    void startRemovesLeftoverRunFilesAndAuditsSecretChangesWithoutValues() throws Exception {
        try (DaemonFixture f = new DaemonFixture(tmp, "")) {
            Vault vault = Vault.at(f.config.resolve("vault"));
            vault.set("github_token", CANARY, "");
            vault.set("github_token", CANARY, "");
            Path left = Files.createDirectories(vault.files().runsDir().resolve("0123abcd"));
            Files.write(left.resolve("KUBECONFIG"), CANARY);
            f.start();
            assertThat(left).doesNotExist();
            assertThat(f.daemonStderr()).contains("removed 1 secret file folder(s) left by runs of a previous daemon");
            var secretEvents = f.records().stream().filter(r -> r.path("type").asText().equals("secret")).toList();
            assertThat(secretEvents).hasSize(2);
            assertThat(secretEvents.get(0).path("detail").asText()).contains("\"action\":\"added\"").contains("github_token");
            assertThat(secretEvents.get(1).path("detail").asText()).contains("\"action\":\"replaced\"").contains("\"version\":2");
            String audit = Files.readString(f.config.resolve("audit/audit.ndjson"));
            assertThat(audit).doesNotContain("daemonCanary");
            assertThat(f.daemonStderr()).doesNotContain("daemonCanary");
        }
    }
}
