package airlock.daemon.sandbox;

import airlock.daemon.core.HostCommand;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One Python virtual environment per profile, kept by the daemon outside every workspace
 * ({@code <config>/python/PROFILE/venv}): scripts of the profile import what its pip installed,
 * and no other profile's scripts see it. Every successful {@code pip install/uninstall} is kept
 * ({@code installs.jsonl}: cwd and arguments) so {@code airlock python rebuild PROFILE} can make
 * the environment again from nothing.
 */
public record PythonEnvironments(Path root) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One kept pip command. */
    public record Install(String cwd, List<String> args) {
        public Install {
            args = List.copyOf(args);
        }
    }

    public Path dir(String profile) {
        if (profile.isEmpty() || profile.contains("/") || profile.startsWith(".")) {
            throw new IllegalArgumentException("airlock: not a profile name: " + profile);
        }
        return root.resolve(profile);
    }

    public Path venv(String profile) {
        return dir(profile).resolve("venv");
    }

    public Path python(String profile) {
        return venv(profile).resolve("bin/python3");
    }

    public boolean exists(String profile) {
        return Files.exists(python(profile), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Makes the environment with the host's Python ({@code python -m venv}, which brings pip from
     * the standard library's bundled wheel: no network). Runs on the host with a fixed argv.
     */
    public void create(String profile, Path hostPython) throws IOException {
        Files.createDirectories(dir(profile));
        HostCommand.Output p = HostCommand.run(List.of(hostPython.toString(), "-m", "venv", venv(profile).toString()),
                dir(profile), System.getenv(), 120_000);
        if (p.status() != 0) {
            String said = (new String(p.stdout(), StandardCharsets.UTF_8) + p.stderr()).strip();
            throw new IOException(hostPython + " -m venv failed (" + said.substring(0, Math.min(said.length(), 16 * 1024))
                    + "); on Debian/Ubuntu install python3-venv");
        }
    }

    public void remove(String profile) throws IOException {
        Path v = venv(profile);
        if (!Files.exists(v, LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> s = Files.walk(v)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    public void keep(String profile, Install install) throws IOException {
        Files.createDirectories(dir(profile));
        String line = JSON.writeValueAsString(Map.of("cwd", install.cwd(), "args", install.args())) + "\n";
        Files.writeString(dir(profile).resolve("installs.jsonl"), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    public List<Install> installs(String profile) throws IOException {
        Path f = dir(profile).resolve("installs.jsonl");
        List<Install> out = new ArrayList<>();
        if (!Files.exists(f)) return out;
        for (String l : Files.readAllLines(f)) {
            if (l.isBlank()) continue;
            Map<String, Object> m = JSON.readValue(l, new TypeReference<>() {});
            @SuppressWarnings("unchecked") List<String> args = (List<String>) m.get("args");
            out.add(new Install((String) m.get("cwd"), args));
        }
        return out;
    }
}
