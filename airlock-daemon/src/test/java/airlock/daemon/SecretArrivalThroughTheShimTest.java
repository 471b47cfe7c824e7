package airlock.daemon;

import airlock.daemon.vault.Vault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 20.8: {@code airlock secrets} and {@code airlock skill}, asked through the real shim,
 * say for each secret which command gets it and in which variable (or in a file whose path a
 * variable holds), from the profile's grants in the real vault; never the value.
 */
class SecretArrivalThroughTheShimTest {
    static final String CANARY = "canary-arrival-5f1d0c";

    @TempDir Path tmp;
    Daemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) daemon.close();
    }

    @Test
    void secretsAndSkillNameTheVariableOrFileEachSecretArrivesIn() throws Exception {
        Path config = tmp.resolve("config");
        Path work = Files.createDirectories(tmp.resolve("work")).toRealPath();
        Files.createDirectories(config.resolve("profiles"));
        Files.createDirectories(config.resolve("commands"));
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"printer\"]\n");
        Files.writeString(config.resolve("commands/printer.toml"), "[command]\nbin = \"true\"\n[deny]\nargs = []\n");
        Vault vault = Vault.at(new ConfigDirectory(config).vaultDir());
        vault.set("api_token", CANARY.getBytes(StandardCharsets.UTF_8), "the test API");
        vault.set("kube_prod", CANARY.getBytes(StandardCharsets.UTF_8), "cluster credentials");
        vault.set("shown_nowhere", CANARY.getBytes(StandardCharsets.UTF_8), "only redacted");
        Files.writeString(config.resolve("profiles/default.toml"), "commands = []\n[secrets.printer]\n"
                + "env = { API_TOKEN = \"api_token\" }\nfiles = { KUBECONFIG = \"kube_prod\" }\n"
                + "[redact]\nalso = [\"shown_nowhere\"]\n"
                + "[mounts]\n\"" + work + "\" = \"" + work + "\"\n");
        daemon = Daemon.start(new ConfigDirectory(config), System.getenv(), new PrintStream(new ByteArrayOutputStream(), true));
        Path socket = daemon.directory().socketOf("default");

        ShimRunner.Result secrets = ShimRunner.run(socket, work, "airlock", List.of("secrets"));
        assertThat(secrets.exit()).as(secrets.err()).isZero();
        assertThat(secrets.out()).containsPattern("api_token +set +the test API  -> printer gets it in \\$API_TOKEN \\(on the host")
                .containsPattern("kube_prod +set +cluster credentials  -> printer gets it in a file whose path is in \\$KUBECONFIG")
                .containsPattern("shown_nowhere +set +only redacted  -> given to no command; only hidden from output")
                .doesNotContain(CANARY);

        ShimRunner.Result skill = ShimRunner.run(socket, work, "airlock", List.of("skill"));
        assertThat(skill.exit()).as(skill.err()).isZero();
        assertThat(skill.out()).contains("- `api_token`: set, the test API; `printer` gets it in `$API_TOKEN`")
                .contains("- `kube_prod`: set, cluster credentials; `printer` gets it in a file whose path is in `$KUBECONFIG`")
                .doesNotContain(CANARY);
    }
}
