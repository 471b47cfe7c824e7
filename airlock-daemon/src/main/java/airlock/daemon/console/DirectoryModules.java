package airlock.daemon.console;

import airlock.daemon.ConfigDirectory;
import airlock.rules.CommandModule;
import airlock.rules.Policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * The modules of the running policy, their text from where they were loaded, and a dry run
 * through {@link DryRunner} (today the CLI's DryRun, what {@code airlock test} prints; ADAPT:
 * the lead points it at the Gate's per-layer trace).
 */
public final class DirectoryModules implements Modules {
    /** Judges a command line in every layer; nothing runs. */
    @FunctionalInterface
    public interface DryRunner {
        Trace run(Policy policy, String profile, String command, List<String> args, String cwd) throws IOException;
    }

    private final Supplier<Policy> policy;
    private final ConfigDirectory dir;
    private final DryRunner dryRunner;

    public DirectoryModules(Supplier<Policy> policy, ConfigDirectory dir, DryRunner dryRunner) {
        this.policy = policy;
        this.dir = dir;
        this.dryRunner = dryRunner;
    }

    @Override
    public List<View> list() {
        return policy.get().modules().values().stream().map(this::view).toList();
    }

    private View view(CommandModule m) {
        String text;
        if (m.source().equals(ConfigDirectory.BuiltinModules.source(m.name()))) {
            text = ConfigDirectory.BuiltinModules.text(m.name()).orElse("(the built-in text is missing from the jar)");
        } else {
            try {
                text = Files.readString(Path.of(m.source()));
            } catch (IOException e) {
                text = "(cannot read " + m.source() + ": " + e.getMessage() + ")";
            }
        }
        return new View(m.name(), m.source(), m.sha256(), text);
    }

    @Override
    public Trace dryRun(String profile, String command, List<String> args, String cwd) {
        Policy p = policy.get();
        if (!p.profiles().containsKey(profile)) {
            return new Trace(List.of(), false, "airlock: no profile named '" + profile + "'");
        }
        String where = cwd == null || cwd.isBlank()
                ? p.profiles().get(profile).mounts().keySet().stream().sorted().findFirst().orElse("/") : cwd;
        try {
            return dryRunner.run(p, profile, command, args, where);
        } catch (IOException e) {
            return new Trace(List.of(), false, "airlock: the dry run failed: " + e.getMessage());
        }
    }
}
