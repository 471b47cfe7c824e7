package airlock.daemon;

import airlock.daemon.audit.AuditFiles;
import airlock.daemon.gate.ToolChecks;
import airlock.rules.CommandModule;
import airlock.rules.Config;
import airlock.rules.ConfigError;
import airlock.rules.ConfigLoader;
import airlock.rules.ModuleLoader;
import airlock.rules.Policy;
import airlock.rules.Profile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The config directory on disk ({@code ~/.config/airlock}): config.toml, profiles/, commands/,
 * hooks/, sockets/. Reads it whole into a {@link Policy}; a file that does not load is an error.
 */
public record ConfigDirectory(Path root) {

    public static Path defaultRoot() {
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("airlock");
    }

    public Path configFile() { return root.resolve("config.toml"); }
    public Path profilesDir() { return root.resolve("profiles"); }
    public Path commandsDir() { return root.resolve("commands"); }
    public Path hooksDir() { return root.resolve("hooks"); }
    public Path socketsDir() { return root.resolve("sockets"); }
    public Path auditDir() { return root.resolve("audit"); }

    /**
     * The audit file written now: {@code [log] path} when config.toml sets it (absolute,
     * {@code ~/...} in the daemon user's home, or relative to the config directory), else
     * {@code <config>/audit/audit.ndjson}. Rotated files sit next to it as {@code NAME.1}, ...
     */
    public Path auditFile(Config.LogSettings log) {
        String p = log.path();
        if (p == null) return AuditFiles.current(auditDir());
        if (p.equals("~") || p.startsWith("~/")) return Path.of(System.getProperty("user.home") + p.substring(1)).normalize();
        return root.resolve(p).normalize();
    }
    /**
     * A directory config.toml names ({@code [shadow] config}): absolute, {@code ~/...} in the
     * user's home, or relative to this directory.
     */
    public Path resolve(String written) {
        if (written.equals("~") || written.startsWith("~/")) return Path.of(System.getProperty("user.home") + written.substring(1)).normalize();
        return root.resolve(written).normalize();
    }

    /** The secrets' vault (see airlock.daemon.vault.VaultFiles for its layout). */
    public Path vaultDir() { return root.resolve("vault"); }
    /** The console's host-only state (login grants, its address); never under sockets/, which containers may mount. */
    public Path uiDir() { return root.resolve("ui"); }
    public Path socketOf(String profile) { return socketsDir().resolve(profile + ".sock"); }
    /** The host-only control socket (approvals); its directory is the daemon's own, never mounted. */
    public Path controlSocket() { return root.resolve("control").resolve("control.sock"); }
    public Path userModule(String command) { return commandsDir().resolve(command + ".toml"); }

    public Policy load() throws ConfigError, IOException {
        return load(vaultDir());
    }

    /**
     * Loads this directory with the secrets of the vault at {@code vault}: a candidate
     * configuration ({@code airlock test --replay --candidate}, {@code [shadow]}) names the live
     * vault's secrets, and has no vault of its own.
     */
    public Policy load(Path vault) throws ConfigError, IOException {
        Config config = ConfigLoader.config(configFile().toString(), read(configFile()));
        Map<String, Profile> profiles = new TreeMap<>();
        for (Path p : profileFiles()) {
            String name = p.getFileName().toString().replaceFirst("\\.toml$", "");
            Profile profile = ConfigLoader.profile(name, p.toString(), read(p));
            Optional<ConfigError> missing = missingSecret(p, profile, vault);
            if (missing.isPresent()) throw missing.get();
            profiles.put(name, profile);
        }
        Map<String, CommandModule> modules = new LinkedHashMap<>();
        for (String command : config.enabled()) {
            Optional<CommandModule> m = module(command);
            if (m.isEmpty()) {
                throw new ConfigError(configFile().toString(), 0, "commands.enable",
                        "'" + command + "' has no module: no built-in and no " + userModule(command));
            }
            modules.put(command, m.get());
        }
        for (Profile profile : profiles.values()) {
            Optional<ConfigError> forced = forcedVariable(profilesDir().resolve(profile.name() + ".toml"), profile, modules);
            if (forced.isPresent()) throw forced.get();
        }
        return new Policy(config, profiles, modules);
    }

    /**
     * The first secret {@code profile} names that the vault does not have, as the loader would
     * report a broken key: the rules module cannot see the vault, so the check is here. A secret
     * that exists without a value yet loads; the requests that need it are refused naming it.
     */
    public Optional<ConfigError> missingSecret(Path file, Profile profile) throws IOException {
        return missingSecret(file, profile, vaultDir());
    }

    private static Optional<ConfigError> missingSecret(Path file, Profile profile, Path vaultDir) throws IOException {
        airlock.daemon.vault.Vault vault = airlock.daemon.vault.Vault.at(vaultDir);
        for (Profile.SecretReference r : profile.secretReferences()) {
            if (!vault.exists(r.secret())) {
                return Optional.of(new ConfigError(file.toString(), r.line(), r.key(), "names secret '" + r.secret()
                        + "', which the vault does not have (airlock secret set " + r.secret() + ")"));
            }
        }
        return Optional.empty();
    }

    /**
     * A grant whose variable the command's module forces ({@code [env] set}, e.g. git's
     * GIT_CONFIG_*): the module's hardening must win, and silently dropping the secret would be a
     * refusal nobody could explain.
     */
    public static Optional<ConfigError> forcedVariable(Path file, Profile profile, Map<String, CommandModule> modules) {
        for (Profile.SecretReference r : profile.secretReferences()) {
            String[] parts = r.key().split("\\.", 4);
            if (parts.length != 4 || !parts[0].equals("secrets")) continue;
            CommandModule m = modules.get(parts[1]);
            if (m != null && m.env().set().containsKey(parts[3])) {
                return Optional.of(new ConfigError(file.toString(), r.line(), r.key(), parts[3] + " is forced by the "
                        + parts[1] + " module's [env] set; a secret cannot replace it (use another variable)"));
            }
        }
        return Optional.empty();
    }

    /** The active module for a command: the user's file replaces the built-in whole. */
    public Optional<CommandModule> module(String command) throws ConfigError, IOException {
        Path user = userModule(command);
        if (Files.isRegularFile(user)) {
            return Optional.of(loadModule(command, user.toString(), userSource(command), read(user)));
        }
        Optional<String> builtin = BuiltinModules.text(command);
        if (builtin.isEmpty()) return Optional.empty();
        return Optional.of(loadModule(command, BuiltinModules.source(command), builtin.get()));
    }

    /** One module's text, its {@code [checks]} judged against the checks this daemon has. */
    public static CommandModule loadModule(String command, String source, String text) throws ConfigError {
        return loadModule(command, source, source, text);
    }

    /** @param file named in load errors; {@code source} names the module in refusals ({@code user:git}) */
    public static CommandModule loadModule(String command, String file, String source, String text) throws ConfigError {
        return ModuleLoader.load(command, file, source, text, ToolChecks.builtin().names());
    }

    /** How a refusal names a user's module: not by its host path, which the agent cannot see. */
    public static String userSource(String command) {
        return "user:" + command;
    }

    public List<Path> profileFiles() throws IOException {
        if (!Files.isDirectory(profilesDir())) return List.of();
        try (Stream<Path> s = Files.list(profilesDir())) {
            return new ArrayList<>(s.filter(p -> p.getFileName().toString().endsWith(".toml"))
                    .filter(Files::isRegularFile).sorted().toList());
        }
    }

    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    /** The modules shipped in the daemon jar under builtin-commands/. */
    public static final class BuiltinModules {
        private BuiltinModules() {}

        public static List<String> names() {
            return resource("builtin-commands/INDEX").map(t -> t.lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList()).orElse(List.of());
        }

        public static Optional<String> text(String command) {
            if (!command.matches("[A-Za-z0-9._-]+")) return Optional.empty();
            return resource("builtin-commands/" + command + "/module.toml");
        }

        public static String source(String command) {
            return "builtin:" + command;
        }

        static Optional<String> resource(String name) {
            try (InputStream in = ConfigDirectory.class.getClassLoader().getResourceAsStream(name)) {
                return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
    }
}
