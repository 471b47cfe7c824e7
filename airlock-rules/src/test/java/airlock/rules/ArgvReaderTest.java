package airlock.rules;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * What an argument vector is read as. Each row: module, argv, the flags read ({@code flag=value},
 * {@code flag} without value; {@code ?} marks an unsure reading) and the positional words
 * ({@code ?} marks a word that may instead be a flag's value).
 */
class ArgvReaderTest {
    static final String SSH = """
            [command]
            bin = "ssh"
            [flags]
            value = ["-i", "-o", "-L", "-p"]
            switches = ["-v", "-f", "-N", "-A", "-q"]
            [deny]
            args = []
            """;
    static final String GNU = """
            [command]
            bin = "tool"
            [flags]
            value = ["--config", "-C"]
            switches = ["--verbose", "-v"]
            aliases = { "-c" = "--config" }
            long = ["--config", "--verbose", "--version", "--upload-pack"]
            [deny]
            args = []
            """;
    static final String UNDECLARED = """
            [command]
            bin = "tool"
            [deny]
            args = ["--upload-pack", "--upload-archive"]
            """;
    static final String GO = """
            [command]
            bin = "terraform"
            [flags]
            single_dash_long = true
            value = ["-chdir", "-var"]
            switches = ["-auto-approve"]
            [deny]
            args = []
            """;

    static Stream<Arguments> table() {
        return Stream.of(
                arguments(SSH, "-vA host", "-v -A", "host"),
                arguments(SSH, "-fNL 8080:h:80 h", "-f -N -L=8080:h:80", "h"),
                arguments(SSH, "-fNL8080:h:80 h", "-f -N -L=8080:h:80", "h"),
                arguments(SSH, "-ikeyA host", "-i=keyA", "host"),
                arguments(SSH, "-i keyA host", "-i=keyA", "host"),
                arguments(SSH, "-qi -A host", "-q -i=-A", "host"),
                arguments(SSH, "-oProxyCommand=x host", "-o=ProxyCommand=x", "host"),
                arguments(SSH, "-vx A", "-v -x=A?", "A?"),                 // -x undeclared: A may be its value
                arguments(SSH, "-xA", "-x=A? -A?", ""),                    // -x may take "A", or A is a flag
                arguments(GNU, "--config=x run", "--config=x", "run"),
                arguments(GNU, "--config x run", "--config=x", "run"),
                arguments(GNU, "-cx run", "--config=x", "run"),
                arguments(GNU, "-c x run", "--config=x", "run"),
                arguments(GNU, "-vc x run", "-v --config=x", "run"),
                arguments(GNU, "--conf x run", "--config=x", "run"),        // unique prefix, long list given: sure
                arguments(GNU, "--ver run", "--verbose? --version=run?", "run?"), // ambiguous: verbose or version
                arguments(GNU, "--verb run", "--verbose", "run"),
                arguments(GNU, "run -- --config=x -v", "", "run --config=x -v"),
                arguments(GNU, "run --", "", "run"),
                arguments(GNU, "-C -- x", "-C=--", "x"),                    // a value flag takes "--" as its value
                arguments(GNU, "- x", "", "- x"),
                arguments(UNDECLARED, "--upload-pa=x", "--upload-pack=x?", ""),       // unique among known, no long list
                arguments(UNDECLARED, "--upload=x", "--upload-archive=x? --upload-pack=x?", ""),
                arguments(UNDECLARED, "--other x y", "--other=x?", "x? y"),
                arguments(UNDECLARED, "--other -- --upload-pack y", "--other=--? --upload-pack=y?", "--upload-pack? y?"),
                arguments(GO, "-auto-approve", "-auto-approve", ""),
                arguments(GO, "--auto-approve", "-auto-approve", ""),
                arguments(GO, "-auto-approve=true apply", "-auto-approve=true", "apply"),
                arguments(GO, "-chdir x destroy", "-chdir=x", "destroy"),
                arguments(GO, "--chdir=x destroy", "-chdir=x", "destroy"),
                arguments(GO, "-var a=1 --var=b=2 plan", "-var=a=1 -var=b=2", "plan"),
                arguments(GO, "-lock=false plan", "-lock=false", "plan"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("table")
    void reads(String module, String argv, String flags, String words) throws ConfigError {
        CommandModule m = ModuleLoader.load("t", "test", module);
        Invocation inv = ArgvReader.read(m.syntax(), List.of(argv.split(" ")));
        String readFlags = String.join(" ", inv.flags().stream().map(ArgvReaderTest::show).toList());
        String readWords = String.join(" ", inv.words().stream().map(w -> w.text() + (w.sure() ? "" : "?")).toList());
        assertThat(readFlags).as("flags of " + argv).isEqualTo(flags);
        assertThat(readWords).as("words of " + argv).isEqualTo(words);
    }

    private static String show(Invocation.FlagUse f) {
        boolean unsure = !f.flagSure() || (f.value() != null && !f.valueSure());
        return f.flag() + (f.value() == null ? "" : "=" + f.value()) + (unsure ? "?" : "");
    }
}
