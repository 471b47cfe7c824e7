package airlock.cli;

import airlock.daemon.ConfigDirectory.BuiltinModules;
import airlock.daemon.ConfigDirectory;
import airlock.rules.CommandModule;
import airlock.rules.Config;
import airlock.rules.ConfigError;
import airlock.rules.ConfigLoader;
import airlock.rules.ModuleLoader;
import airlock.rules.Profile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the whole config directory and collects every finding instead of stopping at the first:
 * each file is loaded on its own, and a loader's error carries every mistake of its file
 * ({@link ConfigError#all()}).
 */
final class ConfigCheck {
    /** What was checked and what was found. */
    record Report(List<Finding> findings, int profiles, int builtinModules, int userModules, int hooks) {
        long problems() {
            return findings.stream().filter(Finding::problem).count();
        }
    }

    /** sun_path is 108 bytes on Linux (104 on macOS) including the terminating NUL. */
    static final int MAX_SOCKET_PATH = 103;

    private ConfigCheck() {}

    static Report run(ConfigDirectory dir, int uid) throws IOException {
        List<Finding> out = new ArrayList<>();
        if (!Files.isDirectory(dir.root())) {
            out.add(Finding.problem(dir.root(), "no such config directory (airlock init creates one)"));
            return new Report(out, 0, 0, 0, 0);
        }
        Config config = null;
        if (!Files.isRegularFile(dir.configFile())) {
            out.add(Finding.problem(dir.configFile(), "missing (airlock init writes a starter config)"));
        } else {
            try {
                config = ConfigLoader.config(dir.configFile().toString(), read(dir.configFile()));
            } catch (ConfigError e) {
                out.addAll(Finding.of(e));
            }
        }

        Map<String, Profile> profiles = new LinkedHashMap<>();
        List<String> profileNames = new ArrayList<>();
        for (Path p : dir.profileFiles()) {
            String name = p.getFileName().toString().replaceFirst("\\.toml$", "");
            profileNames.add(name);
            try {
                profiles.put(name, ConfigLoader.profile(name, p.toString(), read(p)));
            } catch (ConfigError e) {
                out.addAll(Finding.of(e));
            }
        }
        if (profileNames.isEmpty()) {
            out.add(Finding.problem(dir.profilesDir(), "no profiles: the daemon would open no socket (add profiles/NAME.toml)"));
        }
        for (Profile p : profiles.values()) out.addAll(profile(dir, p, config));

        int builtins = 0;
        for (String name : BuiltinModules.names()) {
            builtins++;
            var text = BuiltinModules.text(name);
            if (text.isEmpty()) {
                out.add(new Finding(true, "builtin-commands/INDEX lists '" + name + "' but airlock has no builtin-commands/" + name + "/module.toml"));
                continue;
            }
            try {
                ConfigDirectory.loadModule(name, BuiltinModules.source(name), text.get());
            } catch (ConfigError e) {
                out.addAll(Finding.of(e));
            }
        }
        List<String> user = Overrides.userModules(dir);
        for (String name : user) {
            Path file = dir.userModule(name);
            if (!Files.isRegularFile(file)) {
                out.add(Finding.problem(file, "is not a regular file"));
                continue;
            }
            try {
                CommandModule m = ConfigDirectory.loadModule(name, file.toString(), ConfigDirectory.userSource(name), read(file));
                if (declaresNoPaths(m)) {
                    out.add(Finding.warning(file, "declares no path arguments ([flags] paths, positional_paths): if "
                            + m.bin() + " reads or writes files named on its command line, the agent can name any host"
                            + " file; declare them (docs/writing-a-module.md, \"Paths\")"));
                }
            } catch (ConfigError e) {
                out.addAll(Finding.of(e));
            }
        }
        if (config != null) {
            for (String command : config.enabled()) {
                if (!user.contains(command) && BuiltinModules.text(command).isEmpty()) {
                    out.add(Finding.problem(dir.configFile(), "[commands] enable lists '" + command
                            + "' but it has no module: no built-in and no " + dir.userModule(command)));
                }
            }
        }
        for (String problem : new airlock.daemon.vault.VaultFiles(dir.vaultDir()).problems(uid)) {
            out.add(new Finding(true, "vault: " + problem));
        }
        List<Path> hooks = HookPermissions.present(dir, profileNames);
        out.addAll(HookPermissions.check(dir, profileNames, uid));
        return new Report(out, profileNames.size(), builtins, user.size(), hooks.size());
    }

    /** A module that confines no path: fine for a tool that reads no files, a host-file leak for one that does. */
    static boolean declaresNoPaths(CommandModule m) {
        return m.syntax().paths().isEmpty() && m.syntax().positionalPaths().isEmpty();
    }

    /** Mistakes that load fine but cannot be what the user meant. */
    private static List<Finding> profile(ConfigDirectory dir, Profile p, Config config) {
        List<Finding> out = new ArrayList<>();
        Path file = dir.profilesDir().resolve(p.name() + ".toml");
        if (config != null) {
            for (String c : p.commands()) {
                if (!config.isEnabled(c)) {
                    out.add(Finding.warning(file, "commands lists '" + c + "', which config.toml does not enable: it stays refused"));
                }
            }
        }
        int socketBytes = dir.socketOf(p.name()).toString().getBytes(StandardCharsets.UTF_8).length;
        if (socketBytes > MAX_SOCKET_PATH) {
            out.add(Finding.problem(file, "its socket path " + dir.socketOf(p.name()) + " is " + socketBytes
                    + " bytes; a unix socket path holds at most " + MAX_SOCKET_PATH + " (use a shorter --config path or profile name)"));
        }
        try {
            var vault = airlock.daemon.vault.Vault.at(dir.vaultDir());
            for (Profile.SecretReference r : p.secretReferences()) {
                if (!vault.exists(r.secret())) {
                    out.addAll(Finding.of(new airlock.rules.ConfigError(file.toString(), r.line(), r.key(), "names secret '" + r.secret()
                            + "', which the vault does not have (airlock secret set " + r.secret() + ")")));
                }
            }
        } catch (IOException e) {
            out.add(Finding.problem(dir.vaultDir(), "cannot be read: " + e.getMessage()));
        }
        try {
            Map<String, airlock.rules.CommandModule> granted = new LinkedHashMap<>();
            for (String command : p.secrets().keySet()) {
                try {
                    dir.module(command).ifPresent(m -> granted.put(command, m));
                } catch (airlock.rules.ConfigError e) {
                    // the module's own finding is reported with the modules
                }
            }
            ConfigDirectory.forcedVariable(file, p, granted).ifPresent(e -> out.addAll(Finding.of(e)));
        } catch (IOException e) {
            out.add(Finding.problem(file, "cannot read the modules its [secrets] name: " + e.getMessage()));
        }
        for (var e : new java.util.TreeMap<>(p.envSet()).entrySet()) {
            if (CredentialShape.looksLikeCredential(e.getKey(), e.getValue())) {
                out.add(Finding.warning(file, "[env] set " + e.getKey() + " looks like a credential: it is plain text here and reaches every"
                        + " command of the profile; keep it in the vault (airlock secret set NAME) and grant it with [secrets.CMD] env"));
            }
        }
        if (p.mounts().isEmpty()) {
            out.add(Finding.warning(file, "no [mounts]: every request is refused, since its working directory maps to no host folder"));
        }
        for (var m : p.mounts().entrySet()) {
            if (!m.getKey().startsWith("/")) {
                out.add(Finding.problem(file, "[mounts] key '" + m.getKey() + "' must be an absolute container path"));
            }
            if (!m.getValue().startsWith("/")) {
                out.add(Finding.problem(file, "[mounts] '" + m.getKey() + "' maps to '" + m.getValue() + "', which must be an absolute host path"));
            } else if (!Files.isDirectory(Path.of(m.getValue()))) {
                out.add(Finding.warning(file, "[mounts] '" + m.getKey() + "' maps to " + m.getValue() + ", which is not a folder on this host"));
            }
        }
        return out;
    }

    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
