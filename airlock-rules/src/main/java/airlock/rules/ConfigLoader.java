package airlock.rules;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Loads config.toml and profiles from their text. I/O stays with the caller. */
public final class ConfigLoader {
    private ConfigLoader() {}

    public static Config config(String file, String text) throws ConfigError {
        return Toml.read(file, text, ConfigLoader::config);
    }

    /** Each table on its own: a mistake in [log] does not hide one in [api]. */
    private static Config config(Toml t) {
        t.onlyKeys(t.root(), Set.of("commands", "log", "hooks", "ui", "api", "shadow"));
        List<String> enable = t.part(List.of(), () -> {
            var commands = t.table(t.root(), "commands");
            if (commands == null) throw t.error("commands", "missing [commands] table with a non-empty enable list");
            t.onlyKeys(commands, Set.of("enable"));
            List<String> e = t.strings(commands, "enable");
            if (e == null || e.isEmpty()) throw t.error("commands.enable", "must be a non-empty list of command names");
            return e;
        });
        Config.LogSettings log = t.part(Config.LogSettings.DEFAULT, () -> logSettings(t));
        return new Config(enable, log, t.part(Config.HookSettings.DEFAULT, () -> hookSettings(t)),
                t.part(Config.UiSettings.OFF, () -> uiSettings(t)), t.part(Config.ApiSettings.OFF, () -> apiSettings(t)),
                t.part(Config.ShadowSettings.OFF, () -> shadowSettings(t)));
    }

    private static Config.LogSettings logSettings(Toml t) throws ConfigError {
        Config.LogSettings log = Config.LogSettings.DEFAULT;
        var logTable = t.table(t.root(), "log");
        if (logTable == null) return log;
        t.onlyKeys(logTable, Set.of("max_size_mb", "max_files", "path"));
        Long size = t.part(null, () -> t.integer(logTable, "max_size_mb"));
        Long files = t.part(null, () -> t.integer(logTable, "max_files"));
        String path = t.part(null, () -> t.string(logTable, "path"));
        if (size != null && size <= 0) {
            t.report(t.error("log.max_size_mb", "must be positive"));
            size = null;
        }
        if (files != null && (files <= 0 || files > 1000)) {
            t.report(t.error("log.max_files", "must be between 1 and 1000"));
            files = null;
        }
        if (path != null && (path.isBlank() || path.indexOf('\0') >= 0 || path.endsWith("/"))) {
            throw t.error("log.path", "must name the audit log file (e.g. \"/var/log/airlock/audit.ndjson\"), not a folder");
        }
        return new Config.LogSettings(size == null ? log.maxSizeMb() : size, files == null ? log.maxFiles() : files.intValue(), path);
    }

    private static Config.ShadowSettings shadowSettings(Toml t) throws ConfigError {
        var shadow = t.table(t.root(), "shadow");
        if (shadow == null) return Config.ShadowSettings.OFF;
        t.onlyKeys(shadow, Set.of("config"));
        String dir = t.string(shadow, "config");
        if (dir == null) throw t.error("shadow", "missing key 'config' (the candidate configuration directory, e.g. \"candidate\")");
        if (dir.isBlank() || dir.indexOf('\0') >= 0) throw t.error("shadow.config", "must name a configuration directory");
        return new Config.ShadowSettings(Optional.of(dir));
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
        t.onlyKeys(ui, Set.of("listen", "allow_remote", "public_url"));
        Boolean remote = t.bool(ui, "allow_remote");
        String listen = t.string(ui, "listen");
        String url = t.string(ui, "public_url");
        Optional<Config.PublicUrl> publicUrl = Optional.empty();
        if (url != null) {
            String problem = PublicUrls.problem(url);
            if (problem != null) throw t.error("ui.public_url", problem);
            publicUrl = Optional.of(PublicUrls.parse(url));
        }
        if (listen == null) return Config.UiSettings.OFF;
        ListenAddress.Parsed a = ListenAddress.parse(listen, publicUrl.isPresent());
        if (a.problem() != null) throw t.error("ui.listen", a.problem());
        boolean allowRemote = remote != null && remote;
        if (!a.loopback() && !allowRemote) {
            throw t.error("ui.listen", "'" + listen + "' is not a loopback address: the console would be reachable from "
                    + "other machines. Use 127.0.0.1:PORT (or [::1]:PORT), or set [ui] allow_remote = true if you really mean it");
        }
        return new Config.UiSettings(java.util.Optional.of(a.host()), a.port(), allowRemote, publicUrl);
    }

    private static Config.ApiSettings apiSettings(Toml t) throws ConfigError {
        var api = t.table(t.root(), "api");
        if (api == null) return Config.ApiSettings.OFF;
        t.onlyKeys(api, Set.of("listen", "allow_remote", "cert", "key", "max_body_bytes", "requests_per_second", "max_runs_per_key",
                "max_files", "max_output_bytes", "runs_kept"));
        Boolean remote = t.bool(api, "allow_remote");
        String listen = t.string(api, "listen");
        String cert = t.string(api, "cert");
        String key = t.string(api, "key");
        Long maxBody = t.integer(api, "max_body_bytes");
        if ((cert == null) != (key == null)) {
            // the error points at the line that is there and names the one that is missing
            throw t.error(cert == null ? "api.key" : "api.cert", "cert and key go together (both PEM files; '" + (cert == null ? "cert" : "key")
                    + "' is missing), or neither for a self-signed certificate");
        }
        for (String k : new String[]{"cert", "key"}) {
            String v = k.equals("cert") ? cert : key;
            if (v != null && (v.isBlank() || v.indexOf('\0') >= 0)) throw t.error("api." + k, "must name a PEM file");
        }
        if (maxBody != null && (maxBody < 1024 || maxBody > 64L * 1024 * 1024)) {
            throw t.error("api.max_body_bytes", "must be between 1024 and 67108864");
        }
        Config.ApiSettings.RunLimits d = Config.ApiSettings.RunLimits.DEFAULT;
        Config.ApiSettings.RunLimits limits = new Config.ApiSettings.RunLimits(
                (int) t.integerWithin(api, "requests_per_second", 1, 100_000, d.requestsPerSecond()),
                (int) t.integerWithin(api, "max_runs_per_key", 1, 256, d.maxRunsPerKey()),
                (int) t.integerWithin(api, "max_files", 1, 4096, d.maxFiles()),
                t.integerWithin(api, "max_output_bytes", 65_536, 1024L * 1024 * 1024, d.maxOutputBytes()),
                (int) t.integerWithin(api, "runs_kept", 1, 10_000, d.runsKept()));
        if (listen == null) return Config.ApiSettings.OFF;
        ListenAddress.Parsed a = ListenAddress.parse(listen);
        if (a.problem() != null) throw t.error("api.listen", a.problem());
        boolean allowRemote = remote != null && remote;
        if (!a.loopback() && !allowRemote) {
            throw t.error("api.listen", "'" + listen + "' is not a loopback address: the API would be reachable from "
                    + "other machines. Use 127.0.0.1:PORT (or [::1]:PORT), or set [api] allow_remote = true if you really mean it");
        }
        return new Config.ApiSettings(Optional.of(a.host()), a.port(), allowRemote, Optional.ofNullable(cert), Optional.ofNullable(key),
                maxBody == null ? Config.ApiSettings.DEFAULT_MAX_BODY_BYTES : maxBody, limits);
    }

    public static Profile profile(String name, String file, String text) throws ConfigError {
        return Toml.read(file, text, t -> profile(t, name, file));
    }

    /** Each table on its own, and each [secrets.CMD] grant and [redact] name on its own. */
    private static Profile profile(Toml t, String name, String file) {
        t.onlyKeys(t.root(), Set.of("commands", "env", "mounts", "socket", "secrets", "redact", "expires", "revoked", "rotated", "lock", "ask", "pause"));
        // the fallback [] means "every enabled command", so a broken list adds no false [secrets] findings
        List<String> commands = t.part(List.of(), () -> {
            List<String> c = t.strings(t.root(), "commands");
            if (c == null) throw t.error("commands", "required: a list of command names, [] for every enabled command");
            return c;
        });
        Map<String, String> envSet = t.part(Map.of(), () -> {
            var env = t.table(t.root(), "env");
            if (env == null) return Map.of();
            t.onlyKeys(env, Set.of("set"));
            var set = t.stringMap(env, "set");
            return set == null ? Map.of() : set;
        });
        Map<String, String> mounts = t.part(Map.of(), () -> {
            var m = t.stringMap(t.root(), "mounts");
            return m == null ? Map.of() : m;
        });
        Optional<Profile.SocketOwner> owner = t.part(Optional.empty(), () -> socketOwner(t));
        List<Profile.SecretReference> references = new ArrayList<>();
        Map<String, Profile.SecretGrant> secrets = t.part(Map.of(), () -> secrets(t, commands, references));
        List<String> redactAlso = t.part(List.of(), () -> {
            var redact = t.table(t.root(), "redact");
            if (redact == null) return List.of();
            t.onlyKeys(redact, Set.of("also"));
            List<String> also = t.strings(redact, "also");
            if (also == null) return List.of();
            for (int i = 0; i < also.size(); i++) {
                if (!SECRET_NAME.matcher(also.get(i)).matches()) {
                    t.report(t.elementError("redact.also", i, "'" + also.get(i) + "' is not a secret name " + SECRET_NAME_RULE));
                    continue;
                }
                references.add(new Profile.SecretReference(also.get(i), "redact.also", t.line("redact.also[" + i + "]")));
            }
            return also;
        });
        Profile.Lifecycle lifecycle = lifecycle(t);
        Ask ask = t.part(Ask.NONE, () -> Ask.load(t, t.table(t.root(), "ask"), FlagSyntax.DEFAULT, file));
        Pause pause = t.part(Pause.DEFAULT, () -> Pause.load(t, t.table(t.root(), "pause")));
        return new Profile(name, commands, envSet, mounts, owner, secrets, redactAlso, references, lifecycle, ask, pause);
    }

    private static Optional<Profile.SocketOwner> socketOwner(Toml t) throws ConfigError {
        var socket = t.table(t.root(), "socket");
        if (socket == null) return Optional.empty();
        t.onlyKeys(socket, Set.of("uid", "gid"));
        Long uid = t.integer(socket, "uid");
        Long gid = t.integer(socket, "gid");
        if (uid == null || gid == null) throw t.error("socket", "needs both uid and gid");
        if (uid < 0 || uid > Integer.MAX_VALUE) throw t.error("socket.uid", "must be a user id");
        if (gid < 0 || gid > Integer.MAX_VALUE) throw t.error("socket.gid", "must be a group id");
        return Optional.of(new Profile.SocketOwner(uid.intValue(), gid.intValue()));
    }

    private static Profile.Lifecycle lifecycle(Toml t) {
        Optional<Instant> expires = t.part(Optional.empty(), () -> Optional.ofNullable(t.instant(t.root(), "expires")));
        Optional<Profile.Revocation> revoked = t.part(Optional.empty(), () -> {
            var rev = t.table(t.root(), "revoked");
            if (rev == null) return Optional.empty();
            t.onlyKeys(rev, Set.of("at", "reason"));
            Instant at = t.instant(rev, "at");
            if (at == null) throw t.error("revoked", "needs at = <time with offset>, e.g. { at = 2026-12-04T18:00:00Z, reason = \"...\" }");
            String reason = t.string(rev, "reason");
            return Optional.of(new Profile.Revocation(at, reason == null ? "" : reason));
        });
        Optional<Instant> rotated = t.part(Optional.empty(), () -> Optional.ofNullable(t.instant(t.root(), "rotated")));
        Optional<Profile.Lock> lock = t.part(Optional.empty(), () -> {
            var l = t.table(t.root(), "lock");
            if (l == null) return Optional.empty();
            t.onlyKeys(l, Set.of("id", "salt", "sha256"));
            String id = t.string(l, "id");
            String salt = t.string(l, "salt");
            String sha = t.string(l, "sha256");
            if (id == null || salt == null || sha == null) throw t.error("lock", "needs id, salt and sha256 (written by airlock profile lock)");
            if (!id.matches("[0-9a-z]{1,32}")) throw t.error("lock.id", "must be lower-case letters and digits");
            if (!salt.matches("([0-9a-f]{2}){16,64}")) throw t.error("lock.salt", "must be hexadecimal (written by airlock profile lock)");
            if (!sha.matches("[0-9a-f]{64}")) throw t.error("lock.sha256", "must be 64 hexadecimal digits (written by airlock profile lock)");
            return Optional.of(new Profile.Lock(id, salt, sha));
        });
        return new Profile.Lifecycle(expires, revoked, rotated, lock);
    }

    /** The vault's rule for names (airlock.daemon.vault.SecretName): they become file names and markers. */
    static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final String SECRET_NAME_RULE = "(letters, digits and '_', not starting with a digit, at most 128)";
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /**
     * {@code [secrets.CMD] env = {VAR = "name"}, files = {VAR = "name"}}. A variable that decides
     * which code the host runs or where its files are (PATH, HOME, the loader's) cannot carry a
     * secret: a value there would change the tool, not authenticate it.
     */
    private static Map<String, Profile.SecretGrant> secrets(Toml t, List<String> commands, List<Profile.SecretReference> references)
            throws ConfigError {
        var table = t.table(t.root(), "secrets");
        if (table == null) return Map.of();
        Map<String, Profile.SecretGrant> out = new LinkedHashMap<>();
        for (var it = table.node().fieldNames(); it.hasNext(); ) {
            String command = it.next();
            t.part(null, () -> {
                Profile.SecretGrant g = grant(t, table, command, commands, references);
                if (g != null) out.put(command, g);
                return null;
            });
        }
        return out;
    }

    /** One {@code [secrets.CMD]} grant; null when the key is absent. */
    private static Profile.SecretGrant grant(Toml t, Toml.Table table, String command, List<String> commands,
                                             List<Profile.SecretReference> references) throws ConfigError {
        var grant = t.table(table, command);
        if (grant == null) return null;
        if (!commands.isEmpty() && !commands.contains(command)) {
            throw t.error(grant.path(), "grants secrets to '" + command + "', which this profile's commands do not include");
        }
        t.onlyKeys(grant, Set.of("env", "files"));
        Map<String, String> env = t.part(Map.of(), () -> t.stringMap(grant, "env"));
        Map<String, String> files = t.part(Map.of(), () -> t.stringMap(grant, "files"));
        env = env == null ? Map.of() : env;
        files = files == null ? Map.of() : files;
        for (var kind : List.of(Map.entry("env", env), Map.entry("files", files))) {
            for (var e : kind.getValue().entrySet()) {
                String key = grant.child(kind.getKey()) + "." + e.getKey();
                if (!VARIABLE.matcher(e.getKey()).matches()) {
                    t.report(t.error(key, "'" + e.getKey() + "' is not an environment variable name"));
                } else if (reserved(e.getKey())) {
                    t.report(t.error(key, e.getKey() + " decides which program runs or where its files are; it cannot carry a secret"));
                } else if (!SECRET_NAME.matcher(e.getValue()).matches()) {
                    t.report(t.error(key, "'" + e.getValue() + "' is not a secret name " + SECRET_NAME_RULE));
                } else {
                    references.add(new Profile.SecretReference(e.getValue(), key, t.line(key)));
                }
            }
        }
        for (String v : env.keySet()) {
            if (files.containsKey(v)) t.report(t.error(grant.child("files") + "." + v, v + " is in both env and files; give it one"));
        }
        return new Profile.SecretGrant(env, files);
    }

    private static boolean reserved(String variable) {
        return Set.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "BASH_ENV", "ENV", "SHELL", "IFS").contains(variable)
                || variable.startsWith("LD_") || variable.startsWith("DYLD_");
    }
}
