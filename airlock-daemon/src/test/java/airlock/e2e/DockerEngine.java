package airlock.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private dockerd started by the test: its own socket, data root, exec root and pidfile, no
 * bridge, no iptables, no masquerading; every container runs with --network none. Stopped by its
 * pid. Builds a tiny image by {@code docker import} of a folder: /etc/passwd, /etc/group, the
 * usr-merge symlinks and empty mount points; the host's /usr is mounted read-only at run time.
 */
final class DockerEngine implements AutoCloseable {
    static final String IMAGE = "airlock-e2e:1";

    final Path dir;
    final Path socket;
    private final Process dockerd;

    private DockerEngine(Path dir, Process dockerd) {
        this.dir = dir;
        this.socket = dir.resolve("docker.sock");
        this.dockerd = dockerd;
    }

    /** A running engine with the image imported, or an exception saying why there is none. */
    static DockerEngine start() throws IOException, InterruptedException {
        // a short path: a unix socket path must fit in 108 bytes
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "ad-");
        Process p;
        try {
            p = new ProcessBuilder("dockerd", "--host", "unix://" + dir.resolve("docker.sock"),
                    "--data-root", dir.resolve("data").toString(), "--exec-root", dir.resolve("exec").toString(),
                    "--pidfile", dir.resolve("docker.pid").toString(), "--bridge=none", "--iptables=false",
                    "--ip6tables=false", "--ip-masq=false")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("dockerd.log").toFile()).start();
        } catch (IOException e) {
            // no dockerd on this machine: leave no empty engine folder behind in /tmp
            Files.deleteIfExists(dir.resolve("dockerd.log"));
            Files.deleteIfExists(dir);
            throw e;
        }
        DockerEngine engine = new DockerEngine(dir, p);
        try {
            long deadline = System.currentTimeMillis() + 60_000;
            while (engine.docker("version").waitFor() != 0) {
                if (!p.isAlive()) throw new IOException("dockerd exited: " + tail(dir.resolve("dockerd.log")));
                if (System.currentTimeMillis() > deadline) throw new IOException("dockerd did not answer in 60 s: " + tail(dir.resolve("dockerd.log")));
                Thread.sleep(250);
            }
            engine.importImage();
            return engine;
        } catch (IOException | InterruptedException | RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    Process docker(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("docker", "-H", "unix://" + socket));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of("docker", "-H", "unix://" + socket));
        cmd.addAll(List.of(args));
        return cmd;
    }

    String output(String... args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(args)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IOException("docker " + String.join(" ", args) + " failed: " + out);
        return out;
    }

    private void importImage() throws IOException, InterruptedException {
        Path root = Files.createDirectories(dir.resolve("image"));
        for (String d : List.of("etc", "usr", "run", "proc", "sys", "dev", "workspace", "opt/airlock")) Files.createDirectories(root.resolve(d));
        Files.createDirectories(root.resolve("tmp"));
        Files.setPosixFilePermissions(root.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nagent:x:1000:1000:agent:/tmp:/bin/sh\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\nagent:x:1000:\n");
        for (String l : List.of("bin", "sbin", "lib", "lib64")) Files.createSymbolicLink(root.resolve(l), Path.of("usr/" + l));
        Process tar = new ProcessBuilder("sh", "-c", "tar -C '" + root + "' -c . | docker -H 'unix://" + socket + "' import - " + IMAGE)
                .redirectErrorStream(true).start();
        String out = new String(tar.getInputStream().readAllBytes());
        if (tar.waitFor() != 0) throw new IOException("docker import failed: " + out);
    }

    @Override
    public void close() {
        try {
            // containers first, so dockerd's shutdown has nothing to wait for
            Process ps = new ProcessBuilder(command("ps", "-aq")).start();
            String ids = new String(ps.getInputStream().readAllBytes()).strip();
            ps.waitFor();
            if (!ids.isEmpty()) {
                List<String> rm = new ArrayList<>(command("rm", "-f"));
                rm.addAll(List.of(ids.split("\\s+")));
                new ProcessBuilder(rm).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            }
        } catch (IOException | InterruptedException e) {
            // stopping anyway
        }
        dockerd.destroy(); // SIGTERM to our own dockerd's pid
        try {
            if (!dockerd.waitFor(20, TimeUnit.SECONDS)) dockerd.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            dockerd.destroyForcibly();
        }
        try {
            new ProcessBuilder("rm", "-rf", dir.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // left in /tmp
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
