package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.console.DirectoryModules;
import airlock.daemon.console.Modules;
import airlock.daemon.gate.Gate;
import airlock.daemon.gate.Judgement;
import airlock.daemon.gate.Step;
import airlock.daemon.gate.ToolChecks;
import airlock.daemon.core.AgentRequest;
import airlock.rules.Policy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The console's dry run: the daemon's own judge ({@link Gate}) on its live policy, the same trace
 * {@code airlock test} prints. Nothing runs (tool checks read the workspace, hooks are not run).
 */
final class ConsoleDryRun implements DirectoryModules.DryRunner {
    private final Map<String, String> daemonEnv;
    private final Gate gate;

    ConsoleDryRun(ConfigDirectory dir, String path) {
        this.gate = new Gate(ToolChecks.builtin(), airlock.daemon.sandbox.SandboxLauncher.of(dir.root().toAbsolutePath()));
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PATH", path);
        this.daemonEnv = Map.copyOf(env);
    }

    @Override
    public Modules.Trace run(Policy policy, String profile, String command, List<String> args, String cwd) {
        Judgement j = gate.judge(policy, profile,
                new AgentRequest(AgentRequest.Mode.CHECK, command, args, cwd, Map.of(), "", false), daemonEnv);
        List<Modules.TraceLine> lines = j.trace().stream().map(s -> new Modules.TraceLine(s.layer(),
                s.state() == Step.State.NOT_REACHED ? null : s.state() == Step.State.ALLOWED, s.detail())).toList();
        return new Modules.Trace(lines, j.allowed(), j instanceof Judgement.Refused r ? r.refusal().message() : "allowed");
    }
}
