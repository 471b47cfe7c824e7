package airlock.attacks;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.Daemon;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jq module of docs/writing-a-module.md, read from the doc itself, through a real daemon, the
 * real shim and the real jq: a tool without subcommands whose file arguments are positional or
 * the second value of a two-value flag (issue 12, item 6). A host file is refused, a workspace
 * file is read.
 */
class JqModuleTest {
    static final Path DOC = Path.of("..", "docs", "writing-a-module.md");
    static final String CANARY = "canary-jq-8e3d";
    @TempDir Path tmp;
    Proxy proxy;
    Path work;
    Path secret;

    /** The first ```toml block after the heading of the worked example. */
    static String moduleFromTheDoc() throws Exception {
        String doc = Files.readString(DOC);
        int at = doc.indexOf("### A worked example: jq");
        assertThat(at).as("the worked example is in " + DOC).isNotNegative();
        int from = doc.indexOf("```toml\n", at) + "```toml\n".length();
        return doc.substring(from, doc.indexOf("```", from));
    }

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/jq")), "jq is installed");
        Path root = tmp.toRealPath();
        work = Files.createDirectories(root.resolve("work"));
        Path config = Files.createDirectories(root.resolve("config"));
        Files.createDirectories(config.resolve("profiles"));
        Files.createDirectories(config.resolve("commands"));
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"jq\"]\n");
        Files.writeString(config.resolve("profiles/default.toml"), "commands = []\n[mounts]\n\"" + work + "\" = \"" + work + "\"\n");
        Files.writeString(config.resolve("commands/jq.toml"), moduleFromTheDoc());
        Path outside = Files.createDirectories(root.resolve("host-home/.ssh"));
        secret = outside.resolve("id_ed25519");
        Files.writeString(secret, "-----BEGIN OPENSSH PRIVATE KEY----- " + CANARY + "\n");
        Files.writeString(work.resolve("package.json"), "{\"name\":\"demo\",\"deps\":{\"a\":1}}\n");
        Files.writeString(work.resolve("notes.txt"), "workspace notes\n");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PATH", "/usr/bin:/bin");
        Daemon d = Daemon.start(new ConfigDirectory(config), env, new PrintStream(new ByteArrayOutputStream()));
        proxy = Proxy.wrap(tmp, work, d);
    }

    @AfterEach
    void stop() {
        if (proxy != null) proxy.close();
    }

    Proxy.Result jq(String... args) throws Exception {
        return proxy.shim(work, "jq", List.of(args), new byte[0]);
    }

    void assertRefusedWithoutLeak(Proxy.Result r, String needle) {
        assertThat(r.refused()).as("exit %d, stderr %s", r.exit(), r.err()).isTrue();
        assertThat(r.err()).contains(needle);
        assertThat(r.out() + r.err()).doesNotContain(CANARY);
    }

    @Test
    void aHostFileAsAPositionalArgumentIsRefused() throws Exception {
        assertRefusedWithoutLeak(jq("-R", ".", secret.toString()), "path " + secret + " resolves outside the profile's [mounts]");
        assertRefusedWithoutLeak(jq("-R", ".", "../host-home/.ssh/id_ed25519"), "outside the profile's [mounts]");
        assertRefusedWithoutLeak(jq("-Rr", ".", "package.json", secret.toString()), "outside the profile's [mounts]");
        assertRefusedWithoutLeak(jq("-R", ".", "--", secret.toString()), "outside the profile's [mounts]");
        assertRefusedWithoutLeak(jq("-f", secret.toString(), "package.json"), "(of -f) resolves outside");
    }

    @Test
    void theFileOfATwoValueFlagIsRefusedOnTheHost() throws Exception {
        assertRefusedWithoutLeak(jq("-n", "--rawfile", "k", secret.toString(), "$k"), "(of --rawfile) resolves outside");
        assertRefusedWithoutLeak(jq("-n", "--slurpfile", "k", secret.toString(), "$k"), "(of --slurpfile) resolves outside");
    }

    @Test
    void workspaceFilesAreRead() throws Exception {
        var name = jq("-r", ".name", work.resolve("package.json").toString());
        assertThat(name.exit()).as(name.err()).isZero();
        assertThat(name.out()).isEqualTo("demo\n");
        var raw = jq("-n", "-r", "--rawfile", "k", "notes.txt", "$k");
        assertThat(raw.exit()).as(raw.err()).isZero();
        assertThat(raw.out()).isEqualTo("workspace notes\n\n");
        // '..' is jq's recursive descent, the filter, not a path
        var all = jq("-c", "..", "package.json");
        assertThat(all.exit()).as(all.err()).isZero();
        assertThat(all.out()).contains("{\"a\":1}");
        // --arg's values are strings, not files
        var arg = jq("-n", "-r", "--arg", "p", secret.toString(), "$p");
        assertThat(arg.exit()).as(arg.err()).isZero();
        assertThat(arg.out()).isEqualTo(secret + "\n");
    }

    @Test
    void aModuleSearchDirectoryIsRefusedWithWhatWorksInstead() throws Exception {
        var r = jq("-L", work.toString(), "-n", "1");
        assertRefusedWithoutLeak(r, "rule \"-L\"");
        assertThat(r.err()).contains("user:jq").contains("Instead: put the definitions in the filter");
    }
}
