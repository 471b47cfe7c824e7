package airlock.rules;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The whole decision (three layers, argument normalization, rule matching) for a 20-argument
 * command against a module of 50 rules. The allowed case is the slow one: every rule is tried.
 * Run with bench/jmh-rules.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecisionBenchmark {
    private Policy policy;
    private List<String> allowed;
    private List<String> deniedLast;
    private List<String> deniedAbbreviated;

    @Setup
    public void setup() throws ConfigError {
        StringBuilder rules = new StringBuilder();
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < 20; i++) entries.add("--deny-flag-" + i);                    // 20 flags
        for (int i = 0; i < 10; i++) entries.add("--opt-" + i + "=/etc/*");              // 10 globbed values
        for (int i = 0; i < 10; i++) entries.add("sub" + i);                             // 10 subcommands
        for (int i = 0; i < 5; i++) entries.add("group" + i + " action" + i);            // 5 two-word paths
        for (int i = 0; i < 4; i++) entries.add("apply" + i + " & --force-" + i);        // 4 sequences
        entries.add("-Z");                                                                // 1 short flag
        for (String e : entries) rules.append(rules.isEmpty() ? "" : ", ").append('"').append(e).append('"');
        if (entries.size() != 50) throw new IllegalStateException("expected 50 rules, got " + entries.size());
        String module = """
                [command]
                bin = "tool"
                [flags]
                value = ["-C", "-c", "--git-dir", "--opt-0", "--opt-1"]
                switches = ["-v", "-q", "--verbose"]
                paths = ["-C", "--git-dir"]
                [deny]
                args = [%s]
                """.formatted(rules);
        CommandModule m = ModuleLoader.load("tool", "bench", module);
        Config config = ConfigLoader.config("config.toml", "[commands]\nenable = [\"tool\"]\n");
        Profile profile = ConfigLoader.profile("dev", "dev.toml", "commands = []\n");
        policy = new Policy(config, Map.of("dev", profile), Map.of("tool", m));
        allowed = List.of("-C", "/workspace/repo", "-c", "user.name=x", "--verbose", "commit", "-vq", "--opt-0=/home/x",
                "--opt-1", "/tmp/y", "-m", "message", "--author=someone", "--no-edit", "file1", "file2", "--", "file3",
                "-Z", "--deny-flag-0");
        deniedLast = new ArrayList<>(allowed.subList(0, 16));
        deniedLast.addAll(List.of("file2", "file3", "-vZ", "x"));
        deniedAbbreviated = new ArrayList<>(allowed);
        deniedAbbreviated.set(15, "--deny-f=x"); // before "--": an ambiguous prefix of 20 denied flags
        if (allowed.size() != 20 || deniedLast.size() != 20 || deniedAbbreviated.size() != 20) throw new IllegalStateException();
        if (!decideAllowed().allowed() || decideDeniedLast().allowed() || decideDeniedAbbreviated().allowed()) {
            throw new IllegalStateException("benchmark cases do not decide as intended: " + decideAllowed().message()
                    + " / " + decideDeniedLast().message() + " / " + decideDeniedAbbreviated().message());
        }
    }

    @Benchmark
    public Decision decideAllowed() {
        return policy.decide("dev", "tool", allowed);
    }

    @Benchmark
    public Decision decideDeniedLast() {
        return policy.decide("dev", "tool", deniedLast);
    }

    @Benchmark
    public Decision decideDeniedAbbreviated() {
        return policy.decide("dev", "tool", deniedAbbreviated);
    }
}
