package airlock.daemon;

import airlock.daemon.audit.AuditFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/** A temp config dir with git enabled, a default profile mounting a real repository, and a daemon on it. */
final class DaemonFixture implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final Path config;
    final Path work;
    final Path repo;
    final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    Daemon daemon;

    DaemonFixture(Path tmp, String extraConfig) throws Exception {
        config = tmp.resolve("config");
        Files.createDirectories(config.resolve("profiles"));
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"git\"]\n" + extraConfig);
        repo = Git.initRepo(tmp.resolve("work/repo"));
        work = tmp.resolve("work").toRealPath();
        profile("default");
    }

    void profile(String name) throws IOException {
        Files.writeString(config.resolve("profiles/" + name + ".toml"),
                "commands = []\n[mounts]\n\"" + work + "\" = \"" + work + "\"\n");
    }

    DaemonFixture start() throws Exception {
        daemon = Daemon.start(new ConfigDirectory(config), System.getenv(), new PrintStream(stderr, true, StandardCharsets.UTF_8));
        return this;
    }

    Path socket(String profile) {
        return daemon.directory().socketOf(profile);
    }

    SocketClient.Result git(String... args) throws IOException {
        return SocketClient.run(socket("default"), "git", List.of(args), repo.toString());
    }

    Path hook(Path relative, String body) throws IOException {
        Path h = config.resolve(relative);
        Files.createDirectories(h.getParent());
        Files.writeString(h, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(h, PosixFilePermissions.fromString("rwx------"));
        return h;
    }

    List<JsonNode> records() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (Path f : AuditFiles.oldestFirst(new ConfigDirectory(config).auditDir())) {
            for (String l : Files.readAllLines(f)) out.add(JSON.readTree(l));
        }
        return out;
    }

    JsonNode lastRecord() throws IOException {
        return records().getLast();
    }

    String daemonStderr() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (daemon != null) daemon.close();
    }
}
