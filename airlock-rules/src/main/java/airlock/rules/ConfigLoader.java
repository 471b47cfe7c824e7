package airlock.rules;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Loads config.toml and profiles from their text. I/O stays with the caller. */
public final class ConfigLoader {
    private ConfigLoader() {}

    public static Config config(String file, String text) throws ConfigError {
        Toml t = Toml.parse(file, text);
        t.onlyKeys(t.root(), Set.of("commands", "log", "hooks"));
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
        return new Config(enable, log, hookSettings(t));
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

    public static Profile profile(String name, String file, String text) throws ConfigError {
        Toml t = Toml.parse(file, text);
        t.onlyKeys(t.root(), Set.of("commands", "env", "mounts", "socket", "expires", "revoked", "rotated", "lock", "ask"));
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
        return new Profile(name, commands, envSet, mounts == null ? Map.of() : mounts, owner, lifecycle(t),
                Ask.load(t, t.table(t.root(), "ask"), FlagSyntax.DEFAULT, file));
    }

    private static Profile.Lifecycle lifecycle(Toml t) throws ConfigError {
        Optional<Instant> expires = Optional.ofNullable(t.instant(t.root(), "expires"));
        Optional<Profile.Revocation> revoked = Optional.empty();
        var rev = t.table(t.root(), "revoked");
        if (rev != null) {
            t.onlyKeys(rev, Set.of("at", "reason"));
            Instant at = t.instant(rev, "at");
            if (at == null) throw t.error("revoked", "needs at = <time with offset>, e.g. { at = 2026-12-04T18:00:00Z, reason = \"...\" }");
            String reason = t.string(rev, "reason");
            revoked = Optional.of(new Profile.Revocation(at, reason == null ? "" : reason));
        }
        Optional<Instant> rotated = Optional.ofNullable(t.instant(t.root(), "rotated"));
        Optional<Profile.Lock> lock = Optional.empty();
        var l = t.table(t.root(), "lock");
        if (l != null) {
            t.onlyKeys(l, Set.of("id", "salt", "sha256"));
            String id = t.string(l, "id");
            String salt = t.string(l, "salt");
            String sha = t.string(l, "sha256");
            if (id == null || salt == null || sha == null) throw t.error("lock", "needs id, salt and sha256 (written by airlock profile lock)");
            if (!id.matches("[0-9a-z]{1,32}")) throw t.error("lock.id", "must be lower-case letters and digits");
            if (!salt.matches("[0-9a-f]{32,128}")) throw t.error("lock.salt", "must be hexadecimal (written by airlock profile lock)");
            if (!sha.matches("[0-9a-f]{64}")) throw t.error("lock.sha256", "must be 64 hexadecimal digits (written by airlock profile lock)");
            lock = Optional.of(new Profile.Lock(id, salt, sha));
        }
        return new Profile.Lifecycle(expires, revoked, rotated, lock);
    }
}
