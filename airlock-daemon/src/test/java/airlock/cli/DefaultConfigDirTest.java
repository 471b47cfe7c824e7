package airlock.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 20.1: without {@code --config} (what a person types), every verb finds the default config
 * directory. Every other CLI test passes {@code --config}, which hid a ClassCastException in
 * {@code airlock profile revoke|rotate|lock NAME}: the option mixin nested in another mixin looked
 * the Host up through a detached spec. The installed-launcher version of this runs in
 * install-test (DocumentedCommandsTest).
 */
class DefaultConfigDirTest {
    @TempDir
    Path tmp;

    @Test
    void theLifecycleVerbsWorkWithTheDefaultConfigDirectory() throws Exception {
        Cli cli = new Cli(tmp);
        cli.initialized();
        for (String verb : List.of("profile lock default", "profile rotate default", "profile revoke default")) {
            List<String> args = new ArrayList<>(List.of(verb.split(" ")));
            Cli.Result r = cli.raw(args.toArray(String[]::new));
            assertThat(r.exit()).as(verb + ": " + r).isZero();
            assertThat(r.all()).as(verb).doesNotContain("Exception").doesNotContain("failed:");
        }
        assertThat(Files.readString(cli.config.resolve("profiles/default.toml")))
                .contains("revoked = {").contains("rotated = ").contains("lock = {");
    }

    /**
     * The audit of every verb at once: each shared option mixin anywhere in the tree, nested ones
     * included, resolves its default through the tree's Host, never by casting a spec's root.
     */
    @Test
    void everyOptionMixinInTheTreeUsesTheTreesHost() throws Exception {
        Cli cli = new Cli(tmp);
        CommandLine root = Airlock.commandLine(cli.host());
        List<String> configOptions = new ArrayList<>();
        List<String> passphraseOptions = new ArrayList<>();
        walk(root.getCommandSpec(), root.getCommandSpec().qualifiedName(), configOptions, passphraseOptions);
        // every verb but version, help and the hidden generators takes --config
        assertThat(configOptions).contains("airlock profile revoke", "airlock profile rotate", "airlock profile lock",
                "airlock start", "airlock secret set", "airlock approve", "airlock log").hasSizeGreaterThan(20);
        assertThat(passphraseOptions).contains("airlock secret export", "airlock secret import");
    }

    private void walk(CommandSpec spec, String where, List<String> configOptions, List<String> passphraseOptions) throws Exception {
        for (CommandSpec mixin : spec.mixins().values()) {
            Object o = mixin.userObject();
            if (o instanceof ConfigOption c) {
                assertThat(c.directory().root()).as(where).isEqualTo(tmp.resolve("home/.config/airlock"));
                configOptions.add(where);
            } else if (o instanceof PassphraseOption p) {
                // the Host says there is no terminal: the question is refused, not crashed on
                assertThatThrownBy(() -> p.passphrase(false)).as(where).isInstanceOf(java.io.IOException.class)
                        .hasMessageContaining("no terminal");
                passphraseOptions.add(where);
            }
            walk(mixin, where, configOptions, passphraseOptions);
        }
        for (CommandLine sub : spec.subcommands().values()) {
            CommandSpec s = sub.getCommandSpec();
            if (s.parent() == spec) walk(s, s.qualifiedName(), configOptions, passphraseOptions);
        }
    }
}
