package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.protocol.Verdict;
import airlock.daemon.gate.Gate;
import airlock.daemon.gate.Judgement;
import airlock.daemon.gate.Step;
import airlock.daemon.gate.ToolChecks;
import airlock.daemon.core.AgentRequest;
import airlock.rules.ConfigError;
import airlock.rules.Policy;
import airlock.rules.Profile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "test", header = "Dry-run a command through every layer (nothing runs).",
        description = {
        "Dry run: judge '<cmd> <args>' on <profile> in every layer and print each layer's verdict and the rule that decided. Nothing runs. When the daemon is running it is asked too (a CHECK request on the profile's socket) and any disagreement is reported.",
        "Options go before <profile>; everything after <cmd> is the command's arguments.",
        "Exit 0 allowed, 1 refused (or the daemon disagrees), 2 the question could not be asked.",
        "With --replay --candidate DIR: judge every request of the audit log (since --since, default 7d) by the configuration in DIR, through the same Gate, and print what would change: 'newly refused' and 'newly allowed' lines, then a count. Exit 0 nothing changes, 1 something does, 2 the candidate does not load."})
final class TestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;

    @Option(names = "--cwd", paramLabel = "PATH",
            description = "Working directory in the container (default: the profile's first [mounts] path).")
    String cwd;

    @Option(names = "--no-daemon", description = "Do not ask the running daemon.")
    boolean noDaemon;

    @Option(names = "--replay", description = "Replay the audit log against --candidate instead of judging one command.")
    boolean replay;

    @Option(names = "--candidate", paramLabel = "DIR", description = "With --replay: a configuration directory (config.toml, profiles/, commands/) to judge the recorded requests by.")
    java.nio.file.Path candidate;

    @Option(names = "--since", paramLabel = "TIME", description = "With --replay: requests since this long ago (7d, 12h, 30m) or this instant (default 7d).")
    String since = "7d";

    @Option(names = "--profile", paramLabel = "P", description = "With --replay: only the requests of profile P.")
    String replayProfile;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PROFILE", description = "The profile, e.g. default.")
    String profile;

    @Parameters(index = "1", arity = "0..1", paramLabel = "CMD", description = "The command, e.g. git.")
    String command;

    @Parameters(index = "2..*", paramLabel = "ARGS", description = "Its arguments.")
    List<String> args = new ArrayList<>();

    /** An argument as a person would type it, so "a b" and "a" "b" read differently. */
    static String shellQuoted(String a) {
        return !a.isEmpty() && a.matches("[A-Za-z0-9_./=:@%+,-]+") ? a : "'" + a.replace("'", "'\\''") + "'";
    }

    /** The environment the daemon's judge sees: the PATH recorded in the installed service file, else this one. */
    static Map<String, String> daemonEnv(Host host) {
        String path = ServiceFile.installedPath(host).orElse(host.env().getOrDefault("PATH", ""));
        Map<String, String> daemonEnv = new HashMap<>(host.env());
        daemonEnv.put("PATH", path);
        return daemonEnv;
    }

    @Override
    public Integer call() throws IOException {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        if (replay || candidate != null) {
            if (!replay || candidate == null || profile != null) {
                err.println("airlock: a replay is 'airlock test --replay --candidate DIR [--since 7d] [--profile P]' (no PROFILE CMD);"
                        + " a dry run is 'airlock test PROFILE CMD [ARGS...]'");
                return 2;
            }
            return Replay.run(config.directory(), candidate.toAbsolutePath().normalize(), since, java.util.Optional.ofNullable(replayProfile),
                    daemonEnv(Airlock.host(spec)), out, err);
        }
        if (profile == null || command == null) {
            err.println("airlock: 'airlock test PROFILE CMD [ARGS...]' needs a profile and a command (or --replay --candidate DIR)");
            err.println("Try 'airlock test --help'.");
            return 2;
        }
        ConfigDirectory dir = config.directory();
        Policy policy;
        try {
            policy = dir.load();
        } catch (ConfigError e) {
            err.println("airlock: the config does not load, so the daemon would not start: " + e.getMessage() + " (airlock check lists every problem)");
            return 2;
        } catch (NoSuchFileException e) {
            err.println("airlock: no " + e.getFile() + " (airlock init creates a starter config)");
            return 2;
        }
        Profile p = policy.profiles().get(profile);
        if (p == null) {
            err.println("airlock: no profile named '" + profile + "' in " + dir.profilesDir() + " (profiles: "
                    + String.join(", ", policy.profiles().keySet()) + ")");
            return 2;
        }
        String where = cwd != null ? cwd : p.mounts().keySet().stream().sorted().findFirst().orElse("/");
        Map<String, String> daemonEnv = daemonEnv(Airlock.host(spec));
        // the daemon's own judge, on the same configuration: the two cannot disagree
        Judgement r = new Gate(ToolChecks.builtin(), airlock.daemon.sandbox.SandboxLauncher.of(dir.root().toAbsolutePath())).judge(policy, profile,
                new AgentRequest(AgentRequest.Mode.CHECK, command, args, where, Map.of(), "", false), daemonEnv);

        out.println("profile " + profile + ": " + command + args.stream().map(a -> " " + shellQuoted(a)).collect(Collectors.joining())
                + "   (cwd " + where + ")");
        for (Step s : r.trace()) {
            String v = switch (s.state()) {
                case ALLOWED -> "allowed";
                case REFUSED -> "REFUSED";
                case NOT_REACHED -> "-      ";
            };
            out.printf("  %-8s %s  %s%n", s.layer(), v, s.detail());
        }
        List<java.nio.file.Path> hooks = HookPermissions.present(dir, List.of(profile));
        out.printf("  %-8s %s  %s%n", "hook", "-      ", hooks.isEmpty() ? "no pre-exec hook" : "not run in a dry run: " + hooks);
        String verdict = r instanceof Judgement.Refused refused ? refused.refusal().message() : "allowed";
        out.println("verdict: " + verdict);
        if (noDaemon) return r.allowed() ? 0 : 1;

        DaemonCheck.Answer answer = DaemonCheck.ask(dir.socketOf(profile), command, args, where);
        switch (answer) {
            case DaemonCheck.Answer.NoDaemon n -> out.println("daemon:  not asked: " + n.why());
            case DaemonCheck.Answer.Decided d when !d.verdict().allowed() && d.verdict().layer().equals("admission")
                    && d.verdict().rule().equals("locked") ->
                    // the host keeps only the key's verifier, so it cannot send the key itself
                    out.println("daemon:  not asked: profile '" + profile + "' is locked and the host holds no key");
            case DaemonCheck.Answer.Decided d -> {
                Verdict v = d.verdict();
                if (v.allowed() == r.allowed() && (v.allowed() || v.message().equals(verdict))) {
                    out.println("daemon:  agrees: " + (v.allowed() ? "allowed" : v.message()));
                } else {
                    out.println("daemon:  DISAGREES: the running daemon says " + (v.allowed() ? "allowed" : v.message()));
                    err.println("airlock: the running daemon and this dry run disagree; it may be running an older config or airlock version (restart it)");
                    return 1;
                }
            }
        }
        return r.allowed() ? 0 : 1;
    }
}
