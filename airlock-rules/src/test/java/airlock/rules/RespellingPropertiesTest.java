package airlock.rules;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties over generated command lines: every spelling of a denied flag, anywhere among
 * unrelated arguments, is refused; unrelated arguments alone are allowed. Each property runs for
 * {@link #TRIES} seeds ({@link Draws}); a failure names its seed.
 */
class RespellingPropertiesTest {
    static final int TRIES = 1000;
    static final CommandModule GIT = load("""
            [command]
            bin = "git"
            [flags]
            value = ["-C", "-c", "--git-dir", "--config"]
            switches = ["-v", "-q", "-p", "--verbose", "--quiet", "--no-pager"]
            aliases = { "-u" = "--upload-pack", "-X" = "--exec-path" }
            long = ["--upload-pack", "--exec-path", "--git-dir", "--verbose", "--quiet", "--no-pager", "--config",
                    "--receive-pack", "--upload-archive"]
            [deny]
            args = ["--upload-pack", "--exec-path", "--receive-pack", "credential"]
            """);
    static final CommandModule TERRAFORM = load("""
            [command]
            bin = "terraform"
            [flags]
            single_dash_long = true
            value = ["-chdir", "-var", "-target"]
            switches = ["-no-color", "-json"]
            [deny]
            args = ["apply & -auto-approve", "destroy"]
            """);
    static final CommandModule BARE = load("""
            [command]
            bin = "ssh"
            [deny]
            args = ["-A"]
            """);
    static final CommandModule ALLOW_STATUS = load("""
            [command]
            bin = "git"
            [flags]
            value = ["-C", "-c", "--git-dir", "--config"]
            switches = ["-v", "-q", "-p", "--verbose", "--quiet", "--no-pager"]
            long = ["--git-dir", "--config", "--verbose", "--quiet", "--no-pager"]
            [allow]
            args = ["status"]
            """);

    static CommandModule load(String text) {
        try {
            return ModuleLoader.load("t", "property", text);
        } catch (ConfigError e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- generators

    /** Any argument text: printable, spaces, unicode, leading dashes. */
    static final String ANY = Draws.range(' ', '~') + "éß\u2014\t";

    static String anyText(Draws d) {
        return d.string(0, 12, ANY);
    }

    static String word(Draws d, String... excluded) {
        List<String> ex = List.of(excluded);
        return d.filtered(() -> anyText(d), w -> !w.startsWith("-") && !ex.contains(w));
    }

    /** One unrelated argument unit for the getopt-style git module (a value flag comes with its value). */
    static List<String> gitUnit(Draws d) {
        return d.oneOf(
                () -> List.of(word(d, "credential")),
                () -> List.of(d.of("-v", "-q", "-p", "--verbose", "--quiet", "--no-pager", "-vq", "-pqv", "--verb", "--no-p")),
                () -> List.of(d.of("-C", "-c", "--git-dir", "--config", "--git-d", "--conf"), anyText(d)),
                () -> {
                    String f = d.of("--git-dir=", "--config=", "-C", "-c", "-vC", "-qc");
                    String v = f.endsWith("=") ? anyText(d) : d.filtered(() -> anyText(d), x -> !x.isEmpty());
                    return List.of(f + v);
                });
    }

    static List<List<String>> gitUnits(Draws d) {
        return d.list(6, () -> gitUnit(d));
    }

    /** A denied flag of the git module in one of its spellings, with an arbitrary value. */
    static List<String> deniedGitSpelling(Draws d) {
        String longName = d.of("--upload-pack", "--exec-path", "--receive-pack");
        String value = anyText(d);
        return d.oneOf(
                () -> List.of(longName + "=" + value),
                () -> List.of(longName, value),
                () -> List.of(longName),
                () -> List.of(longName.substring(0, Math.max(uniquePrefix(longName), longName.length() - d.between(0, 10))) + "=" + value),
                () -> List.of(d.of("--u", "--up", "--upl", "--uploa", "--upload-") + "=" + value),
                () -> List.of("-" + d.of("", "v", "q", "vq", "pvq") + d.of("u", "X") + d.filtered(() -> anyText(d), v -> !v.isEmpty())),
                () -> List.of("-" + d.of("", "v", "qp") + d.of("u", "X"), value));
    }

    /** The shortest prefix that only this option has among the module's long options. */
    static int uniquePrefix(String flag) {
        for (int n = 3; n <= flag.length(); n++) {
            String p = flag.substring(0, n);
            if (GIT.syntax().longOptions().stream().filter(o -> o.startsWith(p)).count() == 1) return n;
        }
        return flag.length();
    }

    static List<String> flatten(List<List<String>> units) {
        List<String> out = new ArrayList<>();
        units.forEach(out::addAll);
        return out;
    }

    static List<List<String>> gitGlobals(Draws d) {
        return d.list(5, () -> d.filtered(() -> gitUnit(d), u -> u.getFirst().startsWith("-")));
    }

    static List<List<String>> terraformGlobals(Draws d) {
        return d.list(5, () -> d.oneOf(
                () -> List.of(d.of("-no-color", "--json", "-json=true")),
                () -> List.of(d.of("-chdir", "--var", "-target"), anyText(d)),
                () -> List.of(d.of("-chdir=", "--var=", "-target=") + anyText(d))));
    }

    static String letters(Draws d) {
        return d.string(0, 5, Draws.range('a', 'z') + Draws.range('B', 'Z') + Draws.range('0', '9'));
    }

    // ---- properties

    @Test
    void everySpellingOfADeniedFlagIsDenied() {
        Draws.forSeeds(0x5EED_0001L, TRIES, seed -> {
            Draws d = new Draws(seed);
            List<String> denied = deniedGitSpelling(d);
            List<String> argv = new ArrayList<>(flatten(gitUnits(d)));
            argv.addAll(denied);
            argv.addAll(flatten(gitUnits(d)));
            Decision dec = ArgumentRules.judge(GIT, argv);
            assertThat(dec.allowed()).as("%s", argv).isFalse();
            assertThat(dec.rule()).startsWith("--");
        });
    }

    @Test
    void unrelatedArgumentsAreAllowed() {
        Draws.forSeeds(0x5EED_0002L, TRIES, seed -> {
            List<String> argv = flatten(gitUnits(new Draws(seed)));
            Decision dec = ArgumentRules.judge(GIT, argv);
            assertThat(dec.allowed()).as("%s -> %s", argv, dec.message()).isTrue();
        });
    }

    @Test
    void deniedSubcommandAfterAnyGlobalFlagsIsDenied() {
        Draws.forSeeds(0x5EED_0003L, TRIES, seed -> {
            Draws d = new Draws(seed);
            List<String> argv = new ArrayList<>(flatten(gitGlobals(d)));
            argv.add("credential");
            argv.addAll(flatten(gitUnits(d)));
            assertThat(ArgumentRules.judge(GIT, argv).allowed()).as("%s", argv).isFalse();
        });
    }

    @Test
    void allowedSubcommandIsAnchored() {
        Draws.forSeeds(0x5EED_0004L, TRIES, seed -> {
            Draws d = new Draws(seed);
            List<List<String>> globals = gitGlobals(d);
            String first = word(d, "status");
            List<List<String>> after = gitUnits(d);
            List<String> argv = new ArrayList<>(flatten(globals));
            argv.add(first);
            argv.addAll(flatten(after));
            argv.add("status");
            assertThat(ArgumentRules.judge(ALLOW_STATUS, argv).allowed()).as("%s", argv).isFalse();
            List<String> status = new ArrayList<>(flatten(globals));
            status.add("status");
            status.addAll(flatten(after));
            assertThat(ArgumentRules.judge(ALLOW_STATUS, status).allowed()).as("%s", status).isTrue();
        });
    }

    @Test
    void everySpellingOfAutoApproveIsDeniedWithApply() {
        Draws.forSeeds(0x5EED_0005L, TRIES, seed -> {
            Draws d = new Draws(seed);
            String spelling = d.of("-", "--") + "auto-approve" + d.of("", "=true", "=false", "=1", "=yes");
            List<List<String>> globals = terraformGlobals(d);
            List<String> argv = new ArrayList<>(flatten(globals));
            argv.add("apply");
            argv.addAll(flatten(terraformGlobals(d)));
            argv.add(spelling);
            assertThat(ArgumentRules.judge(TERRAFORM, argv).allowed()).as("%s", argv).isFalse();
            List<String> plan = new ArrayList<>(argv);
            plan.set(flatten(globals).size(), "plan");
            assertThat(ArgumentRules.judge(TERRAFORM, plan).allowed()).as("%s", plan).isTrue();
        });
    }

    @Test
    void anyBundleHoldingADeniedUndeclaredShortFlagIsDenied() {
        Draws.forSeeds(0x5EED_0006L, TRIES, seed -> {
            Draws d = new Draws(seed);
            List<String> argv = new ArrayList<>(d.list(5, () -> d.filtered(() -> anyText(d), a -> !a.equals("--"))));
            argv.add("-" + letters(d) + "A" + letters(d));
            argv.add("host");
            assertThat(ArgumentRules.judge(BARE, argv).allowed()).as("%s", argv).isFalse();
        });
    }
}
