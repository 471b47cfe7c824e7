package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.Daemon;
import airlock.daemon.ShimRunner;
import airlock.daemon.SocketClient;
import airlock.daemon.agent.FileSecretSlotsForTests;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A config dir with a fake tool 'tool' (prints its argv; 'tool slow' records its pid and sleeps),
 * one profile 'agent' mounting a workspace, a real daemon on it and the CLI against the same dir.
 */
final class LifecycleWorld implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final Cli cli;
    final Path config;
    final Path work;
    final Path bin;
    final Path pidFile;
    final FileSecretSlotsForTests secrets;
    final ByteArrayOutputStream log = new ByteArrayOutputStream();
    Daemon daemon;

    LifecycleWorld(Path tmp, String moduleExtra, String profileExtra) throws IOException {
        cli = new Cli(tmp);
        config = cli.config;
        work = Files.createDirectories(tmp.resolve("work")).toRealPath();
        bin = Files.createDirectories(tmp.resolve("bin"));
        pidFile = tmp.resolve("tool.pid");
        Path tool = bin.resolve("tool");
        Files.writeString(tool, "#!/bin/sh\necho \"$*\" >> " + tmp.resolve("tool-calls") + "\nif [ \"$1\" = slow ]; then echo started; echo $$ > " + pidFile
                + "; exec sleep 60; fi\nif [ \"$1\" = flood ]; then echo $$ > " + pidFile + "; exec yes; fi\necho \"tool $*\"\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));
        cli.write("config.toml", "[commands]\nenable = [\"tool\"]\n");
        cli.write("commands/tool.toml", "[command]\nbin = \"tool\"\n[deny]\nargs = [\"rm\", \"--force\"]\n" + moduleExtra);
        profile(profileExtra);
        secrets = new FileSecretSlotsForTests(tmp.resolve("slots.json"));
    }

    void profile(String extra) throws IOException {
        cli.write("profiles/agent.toml", "commands = []\n" + extra + "[mounts]\n\"" + work + "\" = \"" + work + "\"\n");
    }

    Path profileFile() {
        return config.resolve("profiles/agent.toml");
    }

    LifecycleWorld start() throws Exception {
        daemon = Daemon.start(new ConfigDirectory(config), Map.of("PATH", bin + ":/usr/bin:/bin"),
                new PrintStream(log, true, StandardCharsets.UTF_8), r -> {}, new Daemon.Settings(64, Duration.ofSeconds(10), secrets));
        return this;
    }

    void restart() throws Exception {
        daemon.close();
        start();
    }

    Path socket() {
        return new ConfigDirectory(config).socketOf("agent");
    }

    SocketClient.Result tool(String... args) throws IOException {
        return SocketClient.run(socket(), "tool", List.of(args), work.toString());
    }

    /** The real shim in its own JVM, as a container runs it. */
    ProcessBuilder shim(String command, Map<String, String> env, String... args) {
        return ShimRunner.builder(socket(), work, command, List.of(args), env);
    }

    ShimRunner.Result runShim(String command, Map<String, String> env, String... args) throws Exception {
        return ShimRunner.run(shim(command, env, args), new byte[0]);
    }

    List<JsonNode> audit() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (Path f : AuditFiles.oldestFirst(new ConfigDirectory(config).auditDir())) {
            for (String l : Files.readAllLines(f)) out.add(JSON.readTree(l));
        }
        return out;
    }

    /** Audit records of an event type, as text. */
    List<String> events(String type) throws IOException {
        return audit().stream().filter(n -> n.toString().contains("\"" + type + "\"")).map(JsonNode::toString).toList();
    }

    String daemonLog() {
        return log.toString(StandardCharsets.UTF_8);
    }

    static boolean eventually(BooleanSupplier condition, Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }

    long toolPid() throws Exception {
        if (!eventually(() -> Files.exists(pidFile) && !read(pidFile).isBlank(), Duration.ofSeconds(20))) {
            throw new IllegalStateException("the slow tool never started; daemon log:\n" + daemonLog());
        }
        return Long.parseLong(read(pidFile).strip());
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        if (daemon != null) daemon.close();
    }
}
