package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.host.HostOp;
import airlock.daemon.host.HostReply;
import airlock.rules.ConfigError;
import airlock.rules.ConfigLoader;
import airlock.rules.Profile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A profile named on the command line: its file, and the profile as it loads now. */
record NamedProfile(Path file, Profile profile) {
    /** Thrown with a message for the person, starting with "airlock:". */
    static final class NotFound extends Exception {
        NotFound(String message) {
            super(message);
        }
    }

    static NamedProfile find(ConfigDirectory dir, String name) throws IOException, NotFound {
        Path file = dir.profilesDir().resolve(name + ".toml");
        if (!name.matches("[A-Za-z0-9._-]+") || !Files.isRegularFile(file)) {
            List<String> names = dir.profileFiles().stream().map(f -> f.getFileName().toString().replaceFirst("\\.toml$", "")).toList();
            throw new NotFound("airlock: no profile named '" + name + "' in " + dir.profilesDir() + " (profiles: "
                    + (names.isEmpty() ? "none" : String.join(", ", names)) + ")");
        }
        try {
            return new NamedProfile(file, ConfigLoader.profile(name, file.toString(), Files.readString(file)));
        } catch (ConfigError e) {
            throw new NotFound("airlock: " + e.getMessage() + " (fix the file first)");
        }
    }

    /** Asks a running daemon to read the change now; says which happened. */
    static String applyNow(ConfigDirectory dir) {
        try {
            var answer = ControlClient.call(dir, new HostOp.Reload());
            if (answer.isEmpty()) return "no daemon is running; it takes effect when 'airlock start' runs";
            return switch (answer.get()) {
                case HostReply.Refused r -> "the running daemon did not apply it: " + r.message();
                default -> "the running daemon applied it";
            };
        } catch (IOException e) {
            return "could not reach the running daemon (" + e.getMessage() + "); it reloads on the file change by itself";
        }
    }
}
