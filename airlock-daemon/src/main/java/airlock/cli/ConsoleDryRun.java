package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.console.DirectoryModules;
import airlock.daemon.console.Modules;
import airlock.rules.Policy;

import java.io.IOException;
import java.util.List;

/**
 * The console's dry run: today's {@link DryRun}, the same judge {@code airlock test} prints, on
 * the daemon's live policy. ADAPT: when the Gate lands, return its per-layer trace here instead.
 */
final class ConsoleDryRun implements DirectoryModules.DryRunner {
    private final ConfigDirectory dir;
    private final String path;

    ConsoleDryRun(ConfigDirectory dir, String path) {
        this.dir = dir;
        this.path = path;
    }

    @Override
    public Modules.Trace run(Policy policy, String profile, String command, List<String> args, String cwd) throws IOException {
        DryRun.Result r = DryRun.run(dir, policy, profile, command, args, cwd, path);
        return new Modules.Trace(r.steps().stream().map(s -> new Modules.TraceLine(s.layer(), s.allowed(), s.detail())).toList(),
                r.allowed(), r.allowed() ? "allowed" : r.message());
    }
}
