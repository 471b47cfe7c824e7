package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.lifecycle.ProfileState;
import airlock.rules.ConfigError;
import airlock.rules.Profile;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A profile as {@code profile list --json} and {@code profile show --json} write it: the keys are
 * documented in docs/cli.md ("JSON output") and stay; a key is added, never renamed. Never a
 * secret: a lock's key id (public, the part before ':') but not its hash, variable names but not values.
 */
final class ProfileJson {
    static final ObjectMapper JSON = new ObjectMapper();

    private ProfileJson() {}

    /** name, file, loads, state, expires, revoked_at, revoked_reason, locked, key_id, commands, socket. */
    static ObjectNode of(ConfigDirectory dir, Path file, Profile p, Instant now) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", p.name());
        o.put("file", file.toString());
        o.put("loads", true);
        ProfileState state = ProfileState.of(p, now);
        o.put("state", state.word());
        o.put("expires", p.lifecycle().expires().map(Instant::toString).orElse(null));
        o.put("revoked_at", p.lifecycle().revoked().map(r -> r.at().toString()).orElse(null));
        o.put("revoked_reason", p.lifecycle().revoked().map(Profile.Revocation::reason).orElse(null));
        o.put("locked", p.lifecycle().lock().isPresent());
        o.put("key_id", p.lifecycle().lock().map(l -> "ark_" + l.id()).orElse(null));
        ArrayNode commands = o.putArray("commands");
        p.commands().forEach(commands::add);
        o.put("socket", dir.socketOf(p.name()).toString());
        return o;
    }

    /** A profile that does not load: name, file, loads = false, errors (each file, line, key, message). */
    static ObjectNode broken(String name, Path file, ConfigError e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", name);
        o.put("file", file.toString());
        o.put("loads", false);
        o.set("errors", errors(e));
        return o;
    }

    /** Every mistake of a file, as check --json lists them too. */
    static ArrayNode errors(ConfigError e) {
        ArrayNode a = JSON.createArrayNode();
        for (ConfigError one : e.all()) {
            ObjectNode x = a.addObject();
            x.put("file", one.file());
            x.put("line", one.line());
            x.put("key", one.key());
            x.put("message", one.getMessage());
        }
        return a;
    }
}
