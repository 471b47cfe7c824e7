package airlock.daemon.console;

import airlock.daemon.ConfigDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * TEST DOUBLE of profile lifecycle (issue 15 builds the real one): lists the real daemon's
 * profiles (PolicyProfiles) and revokes one by moving its file out of profiles/, so the real
 * daemon's reload closes its socket. Lets a browser test click Revoke and see a real shim refused.
 */
final class FileRevokingProfilesDouble implements Profiles {
    private final PolicyProfiles live;
    private final ConfigDirectory dir;
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();

    FileRevokingProfilesDouble(PolicyProfiles live, ConfigDirectory dir) {
        this.live = live;
        this.dir = dir;
    }

    @Override
    public List<View> list() {
        List<View> out = new ArrayList<>(live.list().stream().filter(v -> !revoked.contains(v.name())).toList());
        for (String r : revoked) out.add(new View(r, State.REVOKED, dir.socketOf(r).toString(), List.of(), java.util.Map.of(), List.of(), Optional.empty()));
        return out;
    }

    @Override
    public Outcome revoke(String profile) {
        Path file = dir.profilesDir().resolve(profile + ".toml");
        try {
            Files.createDirectories(dir.root().resolve("revoked"));
            Files.move(file, dir.root().resolve("revoked").resolve(profile + ".toml"));
        } catch (IOException e) {
            return new Outcome.Refused("airlock: cannot revoke " + profile + ": " + e);
        }
        revoked.add(profile);
        return new Outcome.Done("profile " + profile + " revoked");
    }

    @Override
    public Outcome lock(String profile) {
        return live.lock(profile);
    }

    @Override
    public Outcome rotate(String profile) {
        return live.rotate(profile);
    }
}
