package airlock.rules;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Loads config.toml and profiles from their text. I/O stays with the caller. */
public final class ConfigLoader {
    private ConfigLoader() {}

    public static Config config(String file, String text) throws ConfigError {
        Toml t = Toml.parse(file, text);
        t.onlyKeys(t.root(), Set.of("commands", "log", "hooks", "ui"));
        var commands = t.table(t.root(), "commands");
        if (commands == null) throw t.error("commands", "missing [commands] table with a non-empty enable list");
        t.onlyKeys(commands, Set.of("enable"));
        List<String> enable = t.strings(commands, "enable");
        if (enable == null || enable.isEmpty()) throw t.error("commands.enable", "must be a non-empty list of command names");
        Config.LogSettings log = Config.LogSettings.DEFAULT;
        var logTable = t.table(t.root(), "log");
        if (logTable != null) {
            t.onlyKeys(logTable, Set.of("max_size_mb", "max_files"));
            Long size = t.integer(logTable, "max_size_mb");
            Long files = t.integer(logTable, "max_files");
            if (size != null && size <= 0) throw t.error("log.max_size_mb", "must be positive");
            if (files != null && (files <= 0 || files > 1000)) throw t.error("log.max_files", "must be between 1 and 1000");
            log = new Config.LogSettings(size == null ? log.maxSizeMb() : size, files == null ? log.maxFiles() : files.intValue());
        }
        return new Config(enable, log, hookSettings(t), uiSettings(t));
    }

    private static Config.HookSettings hookSettings(Toml t) throws ConfigError {
        var hooks = t.table(t.root(), "hooks");
        if (hooks == null) return Config.HookSettings.DEFAULT;
        t.onlyKeys(hooks, Set.of("timeout_seconds"));
        Long timeout = t.integer(hooks, "timeout_seconds");
        if (timeout == null) return Config.HookSettings.DEFAULT;
        if (timeout < 1 || timeout > 3600) throw t.error("hooks.timeout_seconds", "must be between 1 and 3600");
        return new Config.HookSettings(timeout);
    }

    private static Config.UiSettings uiSettings(Toml t) throws ConfigError {
        var ui = t.table(t.root(), "ui");
        if (ui == null) return Config.UiSettings.OFF;
        t.onlyKeys(ui, Set.of("listen", "allow_remote"));
        Boolean remote = t.bool(ui, "allow_remote");
        String listen = t.string(ui, "listen");
        if (listen == null) return Config.UiSettings.OFF;
        ListenAddress.Parsed a = ListenAddress.parse(listen);
        if (a.problem() != null) throw t.error("ui.listen", a.problem());
        boolean allowRemote = remote != null && remote;
        if (!a.loopback() && !allowRemote) {
            throw t.error("ui.listen", "'" + listen + "' is not a loopback address: the console would be reachable from "
                    + "other machines. Use 127.0.0.1:PORT (or [::1]:PORT), or set [ui] allow_remote = true if you really mean it");
        }
        return new Config.UiSettings(java.util.Optional.of(a.host()), a.port(), allowRemote);
    }

    public static Profile profile(String name, String file, String text) throws ConfigError {
        Toml t = Toml.parse(file, text);
        t.onlyKeys(t.root(), Set.of("commands", "env", "mounts", "socket"));
        List<String> commands = t.strings(t.root(), "commands");
        if (commands == null) throw t.error("commands", "required: a list of command names, [] for every enabled command");
        Map<String, String> envSet = Map.of();
        var env = t.table(t.root(), "env");
        if (env != null) {
            t.onlyKeys(env, Set.of("set"));
            var set = t.stringMap(env, "set");
            if (set != null) envSet = set;
        }
        var mounts = t.stringMap(t.root(), "mounts");
        Optional<Profile.SocketOwner> owner = Optional.empty();
        var socket = t.table(t.root(), "socket");
        if (socket != null) {
            t.onlyKeys(socket, Set.of("uid", "gid"));
            Long uid = t.integer(socket, "uid");
            Long gid = t.integer(socket, "gid");
            if (uid == null || gid == null) throw t.error("socket", "needs both uid and gid");
            if (uid < 0 || uid > Integer.MAX_VALUE) throw t.error("socket.uid", "must be a user id");
            if (gid < 0 || gid > Integer.MAX_VALUE) throw t.error("socket.gid", "must be a group id");
            owner = Optional.of(new Profile.SocketOwner(uid.intValue(), gid.intValue()));
        }
        return new Profile(name, commands, envSet, mounts == null ? Map.of() : mounts, owner);
    }
}
