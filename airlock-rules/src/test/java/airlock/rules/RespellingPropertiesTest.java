package airlock.rules;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties over generated command lines: every spelling of a denied flag, anywhere among
 * unrelated arguments, is refused; unrelated arguments alone are allowed.
 */
class RespellingPropertiesTest {
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
    static Arbitrary<String> anyText() {
        return Arbitraries.strings().ofMinLength(0).ofMaxLength(12)
                .withCharRange(' ', '~').withChars('é', 'ß', '\u2014', '\t');
    }

    static Arbitrary<String> word(String... excluded) {
        List<String> ex = List.of(excluded);
        return anyText().filter(w -> !w.startsWith("-") && !ex.contains(w));
    }

    /** One unrelated argument unit for the getopt-style git module (a value flag comes with its value). */
    static Arbitrary<List<String>> gitUnit() {
        return Arbitraries.oneOf(
                word("credential").map(List::of),
                Arbitraries.of("-v", "-q", "-p", "--verbose", "--quiet", "--no-pager", "-vq", "-pqv", "--verb", "--no-p").map(List::of),
                Combinators.combine(Arbitraries.of("-C", "-c", "--git-dir", "--config", "--git-d", "--conf"), anyText())
                        .as((f, v) -> List.of(f, v)),
                Combinators.combine(Arbitraries.of("--git-dir=", "--config=", "-C", "-c", "-vC", "-qc"), anyText())
                        .filter((f, v) -> f.endsWith("=") || !v.isEmpty())
                        .as((f, v) -> List.of(f + v)));
    }

    static Arbitrary<List<String>> gitUnrelated() {
        return gitUnit().list().ofMaxSize(8).map(RespellingPropertiesTest::flatten);
    }

    /** A denied flag of the git module in one of its spellings, with an arbitrary value. */
    @Provide
    Arbitrary<List<String>> deniedGitSpelling() {
        Arbitrary<String> value = anyText();
        Arbitrary<String> longName = Arbitraries.of("--upload-pack", "--exec-path", "--receive-pack");
        Arbitrary<List<String>> withEquals = Combinators.combine(longName, value).as((f, v) -> List.of(f + "=" + v));
        Arbitrary<List<String>> separate = Combinators.combine(longName, value).as((f, v) -> List.of(f, v));
        Arbitrary<List<String>> bare = longName.map(List::of);
        Arbitrary<List<String>> abbreviated = Combinators.combine(longName, Arbitraries.integers().between(0, 10), value)
                .as((f, cut, v) -> List.of(f.substring(0, Math.max(uniquePrefix(f), f.length() - cut)) + "=" + v));
        Arbitrary<List<String>> ambiguous = Combinators.combine(Arbitraries.of("--u", "--up", "--upl", "--uploa", "--upload-"), value)
                .as((f, v) -> List.of(f + "=" + v));
        Arbitrary<List<String>> alias = Combinators.combine(Arbitraries.of("u", "X"), Arbitraries.of("", "v", "q", "vq", "pvq"), value)
                .filter((c, switches, v) -> !v.isEmpty())
                .as((c, switches, v) -> List.of("-" + switches + c + v));
        Arbitrary<List<String>> aliasSeparate = Combinators.combine(Arbitraries.of("u", "X"), Arbitraries.of("", "v", "qp"), value)
                .as((c, switches, v) -> List.of("-" + switches + c, v));
        return Arbitraries.oneOf(withEquals, separate, bare, abbreviated, ambiguous, alias, aliasSeparate);
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

    static List<String> insert(List<String> context, int at, List<String> unit, int unitsBefore) {
        // insert between units: count whole units so a value flag keeps its value
        List<String> out = new ArrayList<>(context.subList(0, Math.min(at, context.size())));
        out.addAll(unit);
        out.addAll(context.subList(Math.min(at, context.size()), context.size()));
        return out;
    }

    // ---- properties

    @Property
    void everySpellingOfADeniedFlagIsDenied(@ForAll("deniedGitSpelling") List<String> denied,
                                            @ForAll("gitUnits") List<List<String>> before,
                                            @ForAll("gitUnits") List<List<String>> after) {
        List<String> argv = new ArrayList<>(flatten(before));
        argv.addAll(denied);
        argv.addAll(flatten(after));
        Decision d = ArgumentRules.judge(GIT, argv);
        assertThat(d.allowed()).as("%s", argv).isFalse();
        assertThat(d.rule()).startsWith("--");
    }

    @Provide
    Arbitrary<List<List<String>>> gitUnits() {
        return gitUnit().list().ofMaxSize(6);
    }

    @Property
    void unrelatedArgumentsAreAllowed(@ForAll("gitUnits") List<List<String>> units) {
        List<String> argv = flatten(units);
        Decision d = ArgumentRules.judge(GIT, argv);
        assertThat(d.allowed()).as("%s -> %s", argv, d.message()).isTrue();
    }

    @Property
    void deniedSubcommandAfterAnyGlobalFlagsIsDenied(@ForAll("gitGlobals") List<List<String>> globals,
                                                     @ForAll("gitUnits") List<List<String>> after) {
        List<String> argv = new ArrayList<>(flatten(globals));
        argv.add("credential");
        argv.addAll(flatten(after));
        assertThat(ArgumentRules.judge(GIT, argv).allowed()).as("%s", argv).isFalse();
    }

    @Provide
    Arbitrary<List<List<String>>> gitGlobals() {
        return gitUnit().filter(u -> u.getFirst().startsWith("-")).list().ofMaxSize(5);
    }

    @Property
    void allowedSubcommandIsAnchored(@ForAll("gitGlobals") List<List<String>> globals,
                                     @ForAll("otherWord") String first,
                                     @ForAll("gitUnits") List<List<String>> after) {
        List<String> argv = new ArrayList<>(flatten(globals));
        argv.add(first);
        argv.addAll(flatten(after));
        argv.add("status");
        assertThat(ArgumentRules.judge(ALLOW_STATUS, argv).allowed()).as("%s", argv).isFalse();
        List<String> status = new ArrayList<>(flatten(globals));
        status.add("status");
        status.addAll(flatten(after));
        assertThat(ArgumentRules.judge(ALLOW_STATUS, status).allowed()).as("%s", status).isTrue();
    }

    @Provide
    Arbitrary<String> otherWord() {
        return word("status");
    }

    @Property
    void everySpellingOfAutoApproveIsDeniedWithApply(@ForAll("autoApprove") String spelling,
                                                     @ForAll("terraformGlobals") List<List<String>> globals,
                                                     @ForAll("terraformGlobals") List<List<String>> between) {
        List<String> argv = new ArrayList<>(flatten(globals));
        argv.add("apply");
        argv.addAll(flatten(between));
        argv.add(spelling);
        assertThat(ArgumentRules.judge(TERRAFORM, argv).allowed()).as("%s", argv).isFalse();
        List<String> plan = new ArrayList<>(argv);
        plan.set(flatten(globals).size(), "plan");
        assertThat(ArgumentRules.judge(TERRAFORM, plan).allowed()).as("%s", plan).isTrue();
    }

    @Provide
    Arbitrary<String> autoApprove() {
        return Combinators.combine(Arbitraries.of("-", "--"), Arbitraries.of("", "=true", "=false", "=1", "=yes"))
                .as((dashes, v) -> dashes + "auto-approve" + v);
    }

    @Provide
    Arbitrary<List<List<String>>> terraformGlobals() {
        return Arbitraries.oneOf(
                Arbitraries.of("-no-color", "--json", "-json=true").map(List::of),
                Combinators.combine(Arbitraries.of("-chdir", "--var", "-target"), anyText()).as((f, v) -> List.of(f, v)),
                Combinators.combine(Arbitraries.of("-chdir=", "--var=", "-target="), anyText()).as((f, v) -> List.of(f + v))
        ).list().ofMaxSize(5);
    }

    @Property
    void anyBundleHoldingADeniedUndeclaredShortFlagIsDenied(@ForAll("letters") String left, @ForAll("letters") String right,
                                                            @ForAll("noDoubleDash") List<String> before) {
        List<String> argv = new ArrayList<>(before);
        argv.add("-" + left + "A" + right);
        argv.add("host");
        assertThat(ArgumentRules.judge(BARE, argv).allowed()).as("%s", argv).isFalse();
    }

    @Provide
    Arbitrary<String> letters() {
        return Arbitraries.strings().withCharRange('a', 'z').withCharRange('B', 'Z').withCharRange('0', '9').ofMaxLength(5);
    }

    @Provide
    Arbitrary<List<String>> noDoubleDash() {
        return anyText().filter(a -> !a.equals("--")).list().ofMaxSize(5);
    }
}
