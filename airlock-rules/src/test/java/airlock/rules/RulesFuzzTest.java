package airlock.rules;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Whatever a module file or a command line holds, loading gives a module or a {@link ConfigError}
 * (with a sane line), and judging gives a well-formed {@link Decision}: never another exception,
 * never a hang. In the normal suite these run in regression mode over the seeds in
 * src/test/resources/airlock/rules/RulesFuzzTestInputs/ (module files, argument vectors);
 * {@code bench/fuzz-rules.sh} fuzzes for real. A crash found becomes a seed file there, so it is
 * replayed from then on.
 *
 * <p>Input layout: the TOML text, a NUL byte, then the argument vector with arguments separated
 * by newlines.
 */
class RulesFuzzTest {
    private static final List<CommandModule> FIXED = List.of(
            RespellingPropertiesTest.GIT, RespellingPropertiesTest.TERRAFORM, RespellingPropertiesTest.BARE, RespellingPropertiesTest.ALLOW_STATUS);

    @FuzzTest(maxDuration = "10s")
    void loadsOrRejectsAnyModule(byte[] data) {
        String all = new String(data, StandardCharsets.UTF_8);
        int nul = all.indexOf('\0');
        String text = nul < 0 ? all : all.substring(0, nul);
        List<String> args = nul < 0 ? List.of() : argv(all.substring(nul + 1));
        CommandModule m;
        try {
            m = ModuleLoader.load("fuzz", "fuzz.toml", text);
        } catch (ConfigError e) {
            check(e, text);
            return;
        }
        checkDecision(ArgumentRules.judge(m, args), args);
        for (String config : List.of("config", "profile")) {
            try {
                if (config.equals("config")) ConfigLoader.config("fuzz.toml", text);
                else ConfigLoader.profile("p", "fuzz.toml", text);
            } catch (ConfigError e) {
                check(e, text);
            }
        }
    }

    @FuzzTest(maxDuration = "10s")
    void judgesAnyArgv(byte[] data) {
        List<String> args = argv(new String(data, StandardCharsets.UTF_8));
        for (CommandModule m : FIXED) {
            Invocation inv = ArgvReader.read(m.syntax(), args);
            for (Invocation.Word w : inv.words()) {
                if (w.index() < 0 || w.index() >= args.size() || !args.get(w.index()).equals(w.text())) {
                    throw new AssertionError("word not at its index: " + w + " in " + args);
                }
            }
            checkDecision(ArgumentRules.judge(m, args), args);
        }
    }

    static List<String> argv(String s) {
        return s.isEmpty() ? List.of() : new ArrayList<>(Arrays.asList(s.split("\n", -1)));
    }

    private static void check(ConfigError e, String text) {
        long lines = text.chars().filter(c -> c == '\n').count() + 1;
        if (e.line() < 0 || e.line() > lines) throw new AssertionError("line " + e.line() + " outside the file: " + e.getMessage());
        if (!e.file().equals("fuzz.toml")) throw new AssertionError("file not named: " + e.getMessage());
        if (e.getMessage() == null || e.getMessage().isBlank()) throw new AssertionError("no message");
    }

    private static void checkDecision(Decision d, List<String> args) {
        if (d.allowed()) {
            if (d.layer() != null) throw new AssertionError("allowed with a layer: " + d);
            for (ConfinedPath p : d.confinedPaths()) {
                if (args.stream().noneMatch(a -> a.contains(p.path()))) throw new AssertionError("confined path not in argv: " + p);
            }
        } else if (d.layer() != Layer.MODULE || !d.message().startsWith("airlock: refused by the module layer")) {
            throw new AssertionError("malformed refusal: " + d);
        }
    }
}
