package airlock.cli;

import airlock.protocol.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** version, man, generate-completion, help and usage errors. */
class MiscVerbsTest {
    @TempDir Path tmp;

    static final List<String> VERBS = List.of("start", "init", "check", "test", "doctor", "show", "eject", "diff", "profile", "version", "log");

    @Test
    void versionPrintsAirlockProtocolAndJava() throws Exception {
        var r = new Cli(tmp).raw("version");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("airlock " + airlock.shim.Shim.VERSION + "\nprotocol 1\njava 25");
        assertThat(new Cli(tmp).raw("--version").out()).isEqualTo("airlock " + airlock.shim.Shim.VERSION + "\n");
    }

    @Test
    void helpListsEveryVerbButNotTheHiddenOnes() throws Exception {
        var r = new Cli(tmp).raw("--help");
        assertThat(r.exit()).isZero();
        for (String v : VERBS) assertThat(r.out()).containsPattern("\n  " + v + " ");
        assertThat(r.out()).doesNotContain("generate-completion").doesNotContain("\n  man ");
    }

    @Test
    void usageErrorsStartWithAirlockAndPointAtHelp() throws Exception {
        var r = new Cli(tmp).raw("eject");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("airlock: Missing required parameter: 'CMD'").contains("Try 'airlock eject --help'.");
        var unknown = new Cli(tmp).raw("frobnicate");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("airlock: Unmatched argument");
        assertThat(new Cli(tmp).raw("profile", "show").err()).contains("Try 'airlock profile show --help'.");
    }

    @Test
    void manPrintsATroffPageForAirlockWithEveryVerb() throws Exception {
        var r = new Cli(tmp).raw("man");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith(".TH \"AIRLOCK\" \"1\"").contains(".SH NAME\nairlock \\- ", ".SH SYNOPSIS", ".SH COMMANDS");
        for (String v : VERBS) assertThat(r.out()).contains(".B " + v + "\n");
        assertThat(r.out()).contains("airlock\\-init(1)");
    }

    @Test
    void manDirWritesOnePagePerCommand() throws Exception {
        Path dir = tmp.resolve("man1");
        var r = new Cli(tmp).raw("man", "--dir", dir.toString());
        assertThat(r.exit()).isZero();
        assertThat(dir.resolve("airlock.1")).isRegularFile();
        for (String v : VERBS) assertThat(dir.resolve("airlock-" + v + ".1")).isRegularFile();
        assertThat(dir.resolve("airlock-profile-show.1")).isRegularFile();
        String test = Files.readString(dir.resolve("airlock-test.1"));
        assertThat(test).contains(".SH ARGUMENTS", ".B PROFILE", ".SH OPTIONS", ".B \\-\\-config DIR", ".B \\-\\-cwd PATH",
                "airlock(1)");
        int pages = ManPage.tree(Airlock.commandLine().getCommandSpec()).size();
        assertThat(pages).isGreaterThanOrEqualTo(14);
        assertThat(r.out()).contains("wrote " + pages + " man pages to " + dir);
        try (var files = Files.list(dir)) {
            assertThat(files.count()).isEqualTo(pages);
        }
    }

    @Test
    void manPagesRenderWithMan() throws Exception {
        Path dir = tmp.resolve("man1");
        new Cli(tmp).raw("man", "--dir", dir.toString());
        Path man = Path.of("/usr/bin/man");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(man), "man is not installed");
        Process p = new ProcessBuilder(man.toString(), "-l", dir.resolve("airlock-doctor.1").toString())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String text = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(text).isZero();
        assertThat(text).contains("AIRLOCK-DOCTOR(1)", "NAME", "--config DIR", "SEE ALSO")
                .containsPattern("airlock-doctor\\s+-\\s+Check\\s+binaries");
    }

    @Test
    void completionScriptKnowsTheVerbs() throws Exception {
        var r = new Cli(tmp).raw("generate-completion");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("#!/usr/bin/env bash").contains("complete -F _complete_airlock", "eject", "doctor", "--config");
    }

    @Test
    void verdictRoundTripsAndRejectsGarbage() throws Exception {
        Verdict v = new Verdict(false, "module", "push", "airlock: refused by the module layer (rule \"push\"): x");
        assertThat(Verdict.decode(v.encode())).isEqualTo(v);
        assertThat(Verdict.decode(Verdict.allow().encode())).isEqualTo(Verdict.allow());
        byte[] bad = v.encode();
        bad[0] = 7;
        assertThatThrownBy(() -> Verdict.decode(bad)).hasMessageContaining("neither 0 nor 1");
        byte[] longer = java.util.Arrays.copyOf(v.encode(), v.encode().length + 1);
        assertThatThrownBy(() -> Verdict.decode(longer)).hasMessageContaining("stray bytes");
    }
}
