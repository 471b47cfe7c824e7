package airlock.daemon;

import airlock.cli.AirlockProcess;
import airlock.daemon.vault.StoredValue;
import airlock.daemon.vault.Vault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent's {@code airlock secrets request} through the real shim against the real vault
 * (issues 20.3/23.4: concurrent requests while a person sets a secret on the host; issue 22.6:
 * whether a name exists elsewhere must not show in the answer).
 */
class SecretRequestsThroughTheShimTest {
    static final String HOST_VALUE = "hostCanary-4d1f7b2e9a";
    /** Below the per-profile cap on open requests (16), so every one of them must be accepted. */
    static final int CONCURRENT = 12;

    @TempDir Path tmp;
    Daemon daemon;
    Path config;
    Path work;
    final ByteArrayOutputStream daemonLog = new ByteArrayOutputStream();

    @AfterEach
    void stop() {
        if (daemon != null) daemon.close();
    }

    private void start(String... profiles) throws Exception {
        configure(profiles);
        launch();
    }

    private void launch() throws Exception {
        daemon = Daemon.start(new ConfigDirectory(config), System.getenv(), new PrintStream(daemonLog, true));
    }

    private void configure(String... profiles) throws Exception {
        config = tmp.resolve("config");
        work = Files.createDirectories(tmp.resolve("work")).toRealPath();
        Files.createDirectories(config.resolve("profiles"));
        Files.createDirectories(config.resolve("commands"));
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"echo\"]\n");
        Files.writeString(config.resolve("commands/echo.toml"), "[command]\nbin = \"/bin/echo\"\n[deny]\nargs = []\n");
        for (String p : profiles) {
            Files.writeString(config.resolve("profiles/" + p + ".toml"), "commands = []\n[mounts]\n\"" + work + "\" = \"" + work + "\"\n");
        }
    }

    private ShimRunner.Result airlock(String profile, String... args) throws Exception {
        return ShimRunner.run(daemon.directory().socketOf(profile), work, "airlock", List.of(args));
    }

    /** {@code airlock secret set NAME} as a person types it on the host: the CLI in its own process. */
    private int hostSet(String name) throws Exception {
        Process p = new ProcessBuilder(AirlockProcess.command("secret", "set", name, "--config", config.toString()))
                .redirectErrorStream(true).start();
        p.getOutputStream().write((HOST_VALUE + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        assertThat(out).as("secret set").doesNotContain(HOST_VALUE);
        return exit;
    }

    @Test
    void twelveConcurrentRequestsWhileAPersonSetsASecretAllSucceed() throws Exception {
        start("default");
        // one thread each: the common pool has a single worker on a two-core machine
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(CONCURRENT + 1);
        try {
        for (int round = 0; round < 3; round++) {
            AtomicBoolean done = new AtomicBoolean();
            int r = round;
            // the person keeps setting a secret on the host for as long as the agent's requests run
            CompletableFuture<List<Integer>> host = CompletableFuture.supplyAsync(() -> {
                List<Integer> exits = new ArrayList<>();
                try {
                    do exits.add(hostSet("host_token_" + r)); while (!done.get());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return exits;
            }, pool);
            List<CompletableFuture<ShimRunner.Result>> agents = new ArrayList<>();
            for (int i = 0; i < CONCURRENT; i++) {
                String name = "req_" + r + "_" + i;
                agents.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return airlock("default", "secrets", "request", name, "--description", "slot " + name);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, pool));
            }
            for (int i = 0; i < CONCURRENT; i++) {
                ShimRunner.Result res = agents.get(i).get();
                assertThat(res.exit()).as("round " + r + " request " + i + ": " + res.err()).isZero();
                assertThat(res.out()).contains("requested secret req_" + r + "_" + i);
            }
            done.set(true);
            assertThat(host.get()).as("airlock secret set exits").containsOnly(0);
            String listed = airlock("default", "secrets").out();
            for (int i = 0; i < CONCURRENT; i++) assertThat(listed).contains("req_" + r + "_" + i);
            // the person clears the requests: the next round starts under the cap again
            Vault vault = Vault.at(new ConfigDirectory(config).vaultDir());
            for (int i = 0; i < CONCURRENT; i++) assertThat(vault.remove("req_" + r + "_" + i)).isTrue();
            assertThat(StoredValue.of(vault, "host_token_" + r)).isEqualTo(HOST_VALUE.getBytes(StandardCharsets.UTF_8));
        }
        } finally {
            pool.shutdownNow();
        }
        assertThat(daemonLog.toString()).doesNotContain("OverlappingFileLock").doesNotContain(HOST_VALUE);
    }

    @Test
    void aNameAnotherProfileHoldsAndANameNobodyHasAreAnsweredAlike() throws Exception {
        configure("agent", "other");
        Vault.at(new ConfigDirectory(config).vaultDir()).set("deploy_key", HOST_VALUE.getBytes(StandardCharsets.UTF_8), "the other team's deploys");
        Files.writeString(config.resolve("profiles/other.toml"), "[secrets.echo]\nenv = { DEPLOY_KEY = \"deploy_key\" }\n",
                java.nio.file.StandardOpenOption.APPEND);
        launch();
        String held = "deploy_key", unknown = "nobody_has_it";

        ShimRunner.Result a = airlock("agent", "secrets", "request", held, "--description", "deploy the site");
        ShimRunner.Result b = airlock("agent", "secrets", "request", unknown, "--description", "deploy the site");
        assertThat(a.exit()).as(a.err()).isZero();
        assertThat(b.exit()).isEqualTo(a.exit());
        assertThat(a.out().replace(held, "NAME")).isEqualTo(b.out().replace(unknown, "NAME")).contains("requested secret NAME (empty)");
        assertThat(a.err()).isEqualTo(b.err());

        // afterwards the agent's own list shows both the same way: empty, its own description, requested by it
        String listed = airlock("agent", "secrets").out();
        assertThat(rest(listed, held)).isEqualTo(rest(listed, unknown)).isEqualTo("empty deploy the site  (requested by agent) -> given to no command yet (a person on the host grants it to a command and names its variable)");
        String skill = airlock("agent", "skill").out();
        assertThat(skill).contains("- `" + held + "`: empty, deploy the site").contains("- `" + unknown + "`: empty, deploy the site");
        assertThat(listed + skill).doesNotContain("the other team's deploys").doesNotContain(HOST_VALUE);

        // asking again: the same answer for both
        ShimRunner.Result a2 = airlock("agent", "secrets", "request", held, "--description", "again");
        ShimRunner.Result b2 = airlock("agent", "secrets", "request", unknown, "--description", "again");
        assertThat(a2.exit()).isEqualTo(b2.exit()).isEqualTo(126);
        assertThat(a2.err().replace(held, "NAME")).isEqualTo(b2.err().replace(unknown, "NAME")).startsWith("airlock: secret NAME is in your list already");

        // the other profile's secret is untouched; the person sees both requests
        Vault host = Vault.at(new ConfigDirectory(config).vaultDir());
        assertThat(StoredValue.of(host, held)).isEqualTo(HOST_VALUE.getBytes(StandardCharsets.UTF_8));
        assertThat(host.entry(held).orElseThrow().version()).isEqualTo(1);
        assertThat(host.entry(held).orElseThrow().requestedBy()).isEmpty();
        assertThat(host.requests()).extracting(r -> r.profile() + ":" + r.name()).containsExactly("agent:" + held, "agent:" + unknown);
        Process list = new ProcessBuilder(AirlockProcess.command("secret", "list", "--config", config.toString())).redirectErrorStream(true).start();
        String table = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(list.waitFor()).as(table).isZero();
        assertThat(table).containsPattern(unknown + " +empty \\(requested by agent\\)");
        daemon.reloader().reload(); // copies the vault's journal into the audit log
        String audit = Files.readString(new ConfigDirectory(config).auditDir().resolve("audit.ndjson"));
        assertThat(audit).contains("requested by agent").contains(held).contains(unknown).doesNotContain(HOST_VALUE);
    }

    @Test
    void aBrokenManifestIsNamedToTheAgentWithoutTheHostsVaultPath() throws Exception {
        configure("agent");
        Vault host = Vault.at(new ConfigDirectory(config).vaultDir());
        host.set("api_token", HOST_VALUE.getBytes(StandardCharsets.UTF_8), "");
        launch();
        Path manifest = host.files().manifest();
        Files.writeString(manifest, Files.readString(manifest).replace("\"api_token\":1", "\"api_token\":2"));
        ShimRunner.Result r = airlock("agent", "secrets");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("airlock: vault: the manifest <the host's vault>/manifest.json does not verify")
                .doesNotContain(config.toString()).doesNotContain(HOST_VALUE);
    }

    /** What the agent's list says about {@code name}, after the name and its padding. */
    private static String rest(String listing, String name) {
        return listing.lines().filter(l -> l.startsWith(name + " ")).findFirst().orElseThrow().substring(name.length()).strip()
                .replaceAll(" +", " ").replace(" (requested", "  (requested");
    }
}
