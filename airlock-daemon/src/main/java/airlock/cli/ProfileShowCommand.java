package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.rules.Config;
import airlock.rules.ConfigError;
import airlock.rules.ConfigLoader;
import airlock.rules.Profile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Callable;

@Command(name = "show", header = "Show what a profile allows.",
        description = {
        "What a profile allows, resolved against config.toml: its state (active, locked, expires at, expired, revoked when and why), its commands, its mounts, the names of the variables it sets (values are not printed) and its socket. A profile key is never shown."})
final class ProfileShowCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;

    @Parameters(paramLabel = "NAME", description = "The profile, e.g. default.")
    String name;

    @Option(names = "--json", description = "One JSON object (keys in docs/cli.md) instead of the lines.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        ConfigDirectory dir = config.directory();
        Path file = dir.profilesDir().resolve(name + ".toml");
        if (!name.matches("[A-Za-z0-9._-]+") || !Files.isRegularFile(file)) {
            List<String> names = dir.profileFiles().stream().map(f -> f.getFileName().toString().replaceFirst("\\.toml$", "")).toList();
            err.println("airlock: no profile named '" + name + "' in " + dir.profilesDir() + " (profiles: "
                    + (names.isEmpty() ? "none" : String.join(", ", names)) + ")");
            return 1;
        }
        Profile p;
        try {
            p = ConfigLoader.profile(name, file.toString(), Files.readString(file));
        } catch (ConfigError e) {
            err.println("airlock: " + e.getMessage());
            return 1;
        }
        Config c = null;
        try {
            c = ConfigLoader.config(dir.configFile().toString(), Files.readString(dir.configFile()));
        } catch (ConfigError | IOException e) {
            err.println("airlock: cannot resolve against config.toml: " + (e instanceof ConfigError ce ? ce.getMessage() : e.toString()));
        }
        if (json) {
            out.println(VisibleJson.writer(ProfileJson.JSON, false).writeValueAsString(json(dir, file, p, c)));
            return 0;
        }
        out.println("profile  " + name + "  (" + file + ")");
        out.println("state    " + ProfileStateText.of(p, java.time.Instant.now()));
        out.println("socket   " + DaemonPresence.socketLine(dir, name, airlock.daemon.lifecycle.ProfileState.of(p, java.time.Instant.now())));
        if (c == null) {
            out.println("commands " + (p.commands().isEmpty() ? "every enabled command" : String.join(", ", p.commands())));
        } else {
            final Config config = c;
            List<String> allowed = p.commands().isEmpty() ? config.enabled()
                    : p.commands().stream().filter(config::isEnabled).toList();
            List<String> dead = p.commands().stream().filter(x -> !config.isEnabled(x)).toList();
            out.println("commands " + (allowed.isEmpty() ? "(none)" : String.join(", ", allowed))
                    + (p.commands().isEmpty() ? "  (commands = []: every enabled command)" : ""));
            if (!dead.isEmpty()) out.println("         not enabled in config.toml, so refused: " + String.join(", ", dead));
        }
        if (p.mounts().isEmpty()) out.println("mounts   (none: every request is refused)");
        new TreeMap<>(p.mounts()).forEach((k, v) -> out.println("mounts   " + k + " -> " + v));
        if (!p.envSet().isEmpty()) out.println("env set  " + String.join(", ", new TreeMap<>(p.envSet()).keySet()));
        if (!p.ask().rules().isEmpty()) {
            out.println("ask      " + String.join(", ", p.ask().rules().stream().map(airlock.rules.Rule::text).toList())
                    + "  (waits up to " + p.ask().timeoutSeconds() + " s for 'airlock approve')");
        }
        p.socketOwner().ifPresent(o -> out.println("owner    uid " + o.uid() + ", gid " + o.gid() + " (socket mode 0660)"));
        return 0;
    }

    /**
     * {@link ProfileJson#of} and: allowed (resolved against config.toml; null when it does not
     * load), not_enabled, mounts, env_set (names only), ask, socket_owner, daemon_running.
     */
    private static com.fasterxml.jackson.databind.node.ObjectNode json(ConfigDirectory dir, Path file, Profile p, Config c) {
        var o = ProfileJson.of(dir, file, p, java.time.Instant.now());
        if (c == null) {
            o.putNull("allowed");
        } else {
            var allowed = o.putArray("allowed");
            (p.commands().isEmpty() ? c.enabled() : p.commands().stream().filter(c::isEnabled).toList()).forEach(allowed::add);
        }
        var dead = o.putArray("not_enabled");
        if (c != null) p.commands().stream().filter(x -> !c.isEnabled(x)).forEach(dead::add);
        var mounts = o.putObject("mounts");
        new TreeMap<>(p.mounts()).forEach(mounts::put);
        var env = o.putArray("env_set");
        new TreeMap<>(p.envSet()).keySet().forEach(env::add);
        if (p.ask().rules().isEmpty()) {
            o.putNull("ask");
        } else {
            var ask = o.putObject("ask");
            var rules = ask.putArray("rules");
            p.ask().rules().forEach(r -> rules.add(r.text()));
            ask.put("timeout_s", p.ask().timeoutSeconds());
        }
        if (p.socketOwner().isEmpty()) {
            o.putNull("socket_owner");
        } else {
            var owner = o.putObject("socket_owner");
            owner.put("uid", p.socketOwner().get().uid());
            owner.put("gid", p.socketOwner().get().gid());
        }
        o.put("daemon_running", DaemonPresence.running(dir));
        return o;
    }
}
