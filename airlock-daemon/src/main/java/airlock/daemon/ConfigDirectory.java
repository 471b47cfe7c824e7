package airlock.daemon;

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
    public Path socketOf(String profile) { return socketsDir().resolve(profile + ".sock"); }
    /** The host-only control socket (approvals); its directory is the daemon's own, never mounted. */
    public Path controlSocket() { return root.resolve("control").resolve("control.sock"); }
    public Path userModule(String command) { return commandsDir().resolve(command + ".toml"); }

    public Policy load() throws ConfigError, IOException {
        Config config = ConfigLoader.config(configFile().toString(), read(configFile()));
        Map<String, Profile> profiles = new TreeMap<>();
        for (Path p : profileFiles()) {
            String name = p.getFileName().toString().replaceFirst("\\.toml$", "");
            profiles.put(name, ConfigLoader.profile(name, p.toString(), read(p)));
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
        return new Policy(config, profiles, modules);
    }

    /** The active module for a command: the user's file replaces the built-in whole. */
    public Optional<CommandModule> module(String command) throws ConfigError, IOException {
        Path user = userModule(command);
        if (Files.isRegularFile(user)) return Optional.of(ModuleLoader.load(command, user.toString(), read(user)));
        Optional<String> builtin = BuiltinModules.text(command);
        if (builtin.isEmpty()) return Optional.empty();
        return Optional.of(ModuleLoader.load(command, BuiltinModules.source(command), builtin.get()));
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
