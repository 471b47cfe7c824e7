package airlock.daemon.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * TEST DOUBLE, in memory, for the HTTP-level tests only (ConsoleHttpTest, ConsoleLimitsTest): they
 * check the console's own defences (Host, session, Origin, CSRF, headers, limits) with forged raw
 * requests and need no daemon. It is not airlock's behaviour: it only records what was asked. The
 * browser tests run against a real daemon (LiveProfiles, VaultSecrets, LiveApprovals). Secret
 * values are kept only to let a test prove the console never sends them back.
 */
final class InMemoryConsoleDouble {
    private static final ObjectMapper JSON = new ObjectMapper();

    final Map<String, Profiles.View> profiles = new LinkedHashMap<>();
    final Map<String, Secrets.View> secrets = new LinkedHashMap<>();
    final Map<String, char[]> secretValues = new LinkedHashMap<>();
    final Map<String, Approvals.Waiting> waiting = new LinkedHashMap<>();
    final List<String> decisions = new CopyOnWriteArrayList<>();
    final List<AuditEntry> audit = new CopyOnWriteArrayList<>();
    final List<Consumer<AuditEntry>> watchers = new CopyOnWriteArrayList<>();
    int rotations;

    InMemoryConsoleDouble() {
        profile("default", List.of("git"), Map.of("/workspace", "/home/me/airlock-workspace"), List.of("GITHUB_TOKEN"));
        profile("ci", List.of("git", "terraform"), Map.of("/src", "/srv/ci"), List.of());
        secrets.put("GITHUB_TOKEN", new Secrets.View("GITHUB_TOKEN", "push to github.com/acme", Secrets.State.SET, Optional.empty(),
                List.of("default"), Optional.of(Instant.parse("2026-12-04T17:00:00Z"))));
        secrets.put("AWS_PROFILE_DEV", new Secrets.View("AWS_PROFILE_DEV", "asked for by an agent", Secrets.State.EMPTY, Optional.of("ci"),
                List.of(), Optional.of(Instant.parse("2026-12-04T17:30:00Z"))));
        waiting.put("a1", new Approvals.Waiting("a1", "default", "4f2c1e9a7b3d", "/workspace/repo",
                List.of("/usr/bin/git", "push", "--force", "origin", "main"), Instant.parse("2026-12-04T18:00:00Z"),
                Instant.parse("2026-12-04T18:05:00Z"), "push", "b1"));
        waiting.put("a2", new Approvals.Waiting("a2", "ci", "9d8e7f6a5b4c", "/src",
                List.of("/usr/bin/terraform", "apply", "-auto-approve", "it's quoted"), Instant.parse("2026-12-04T18:01:00Z"),
                Instant.parse("2026-12-04T18:06:00Z"), "apply", "b2"));
    }

    void profile(String name, List<String> commands, Map<String, String> mounts, List<String> granted) {
        profiles.put(name, new Profiles.View(name, Profiles.State.ACTIVE, "active", "/home/me/.config/airlock/sockets/" + name + ".sock",
                commands, mounts, granted, Optional.empty()));
    }

    /** Appends an audit record, as the daemon would after a request, and tells the live feed. */
    AuditEntry record(String profile, String command, List<String> args, String verdict, Instant time) {
        return record(profile, command, args, verdict, time, null);
    }

    /** The same, for a remote agent's request over the HTTPS API: the record names its key and address. */
    AuditEntry record(String profile, String command, List<String> args, String verdict, Instant time, String keyId, String address) {
        ObjectNode holder = JSON.createObjectNode().put("key_id", keyId).put("remote_address", address).put("transport", "https");
        return record(profile, command, args, verdict, time, holder);
    }

    private AuditEntry record(String profile, String command, List<String> args, String verdict, Instant time, ObjectNode keyHolder) {
        ObjectNode o = JSON.createObjectNode();
        if (keyHolder != null) o.set("key_holder", keyHolder);
        o.put("type", "request").put("time", time.toString()).put("profile", profile).put("command", command);
        var a = o.putArray("args");
        args.forEach(a::add);
        o.put("verdict", verdict).put("exit_status", verdict.equals("allowed") ? 0 : 126).put("duration_ms", 12);
        o.put("layer", verdict.equals("allowed") ? null : "module").put("seq", audit.size() + 1);
        AuditEntry e = AuditEntry.parse(o.toString().getBytes(StandardCharsets.UTF_8));
        audit.add(e);
        watchers.forEach(w -> w.accept(e));
        return e;
    }

    ConsoleBackend backend() {
        return new ConsoleBackend(new ProfilesDouble(), new SecretsDouble(), new ApprovalsDouble(), new ActivityDouble(), new ModulesDouble());
    }

    private Profiles.View with(String name, Profiles.State state) {
        Profiles.View p = profiles.get(name);
        Profiles.View q = new Profiles.View(p.name(), state, state.name().toLowerCase(), p.socket(), p.commands(), p.mounts(), p.secrets(), p.expires());
        profiles.put(name, q);
        return q;
    }

    private final class ProfilesDouble implements Profiles {
        @Override public List<View> list() { return List.copyOf(profiles.values()); }

        @Override public Outcome revoke(String profile, String reason) {
            if (!profiles.containsKey(profile)) return new Outcome.Refused("airlock: no profile " + profile);
            with(profile, State.REVOKED);
            return new Outcome.Done("profile " + profile + " revoked");
        }

        @Override public Outcome lock(String profile) {
            if (!profiles.containsKey(profile)) return new Outcome.Refused("airlock: no profile " + profile);
            with(profile, State.LOCKED);
            return new Outcome.Done("profile " + profile + " locked");
        }

        @Override public Outcome rotate(String profile) {
            if (!profiles.containsKey(profile)) return new Outcome.Refused("airlock: no profile " + profile);
            rotations++;
            return new Outcome.KeyIssued("new key for " + profile, "alk_" + profile + "_" + Tokens.fresh());
        }
    }

    private final class SecretsDouble implements Secrets {
        @Override public List<View> list() { return List.copyOf(secrets.values()); }

        @Override public Outcome set(String name, char[] value, String description) {
            if (!name.matches("[A-Za-z0-9_.-]+")) return new Outcome.Refused("airlock: a secret's name is letters, digits, _ . -");
            Secrets.View old = secrets.get(name);
            secrets.put(name, new Secrets.View(name, old == null ? "" : old.description(), Secrets.State.SET,
                    old == null ? Optional.empty() : old.requestedBy(), old == null ? List.of() : old.usedBy(), Optional.of(Instant.now())));
            secretValues.put(name, value.clone());
            return new Outcome.Done("secret " + name + " set");
        }

        @Override public Outcome remove(String name) {
            if (secrets.remove(name) == null) return new Outcome.Refused("airlock: no secret " + name);
            secretValues.remove(name);
            return new Outcome.Done("secret " + name + " removed");
        }
    }

    private final class ApprovalsDouble implements Approvals {
        @Override public List<Waiting> waiting() { return List.copyOf(waiting.values()); }

        @Override public Outcome approve(String id, String binding, String by) {
            if (waiting.remove(id) == null) return new Outcome.Refused("airlock: nothing waits as " + id);
            decisions.add("approve " + id);
            return new Outcome.Done("approved " + id);
        }

        @Override public Outcome deny(String id, String binding, String by, String reason) {
            if (waiting.remove(id) == null) return new Outcome.Refused("airlock: nothing waits as " + id);
            decisions.add("deny " + id);
            return new Outcome.Done("denied " + id);
        }
    }

    private final class ActivityDouble implements Activity {
        @Override public List<AuditEntry> recent(int max) {
            List<AuditEntry> l = new ArrayList<>(audit);
            java.util.Collections.reverse(l);
            return l.subList(0, Math.min(max, l.size()));
        }

        @Override public Optional<AuditEntry> record(long seq) {
            return audit.stream().filter(e -> e.seq() == seq).findFirst();
        }

        @Override public ChainStatus verify() {
            return new ChainStatus(true, audit.size(), 1, 1, "0".repeat(64), List.of());
        }

        @Override public AutoCloseable subscribe(Consumer<AuditEntry> sink) {
            watchers.add(sink);
            return () -> watchers.remove(sink);
        }
    }

    private final class ModulesDouble implements Modules {
        @Override public List<View> list() {
            return List.of(new View("git", "builtin:git", "ab".repeat(32), "bin = \"git\"\n[deny]\npush-force = \"push --force\"\n"));
        }

        @Override public Trace dryRun(String profile, String command, List<String> args, String cwd) {
            boolean force = args.contains("--force");
            return new Trace(List.of(new TraceLine("config", true, "git is enabled"), new TraceLine("profile", true, "allowed"),
                    new TraceLine("module", !force, force ? "rule \"push-force\"" : "no rule refuses")), !force,
                    force ? "airlock: refused by the module layer" : "allowed");
        }
    }
}
