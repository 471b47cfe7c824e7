package airlock.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Docker engine for the README's container: the one in {@code DOCKER_HOST} when it answers
 * (.ci/run starts a private one and exports it), else a private dockerd started here (own socket,
 * data root and exec root; no bridge, no iptables; stopped by its pid). Containers run with
 * {@code --network none}. The image is a {@code docker import} of a folder: /etc/passwd, the
 * usr-merge links and empty mount points; the host's /usr is mounted read-only at run time (the
 * same recipe as airlock-daemon's e2e DockerEngine and scripts/container-smoke.sh, whose test
 * classes this module cannot use).
 */
final class PrivateDocker implements AutoCloseable {
    final String host;
    final String image;
    private final Path dir;
    private final Process dockerd;

    private PrivateDocker(String host, Path dir, Process dockerd, String image) {
        this.host = host;
        this.dir = dir;
        this.dockerd = dockerd;
        this.image = image;
    }

    /** An engine with the image imported, or an exception saying why there is none. */
    static PrivateDocker start() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "al-docker-"); // short: a socket path has 108 bytes
        String image = "airlock-newuser:" + ProcessHandle.current().pid();
        String given = System.getenv("DOCKER_HOST");
        PrivateDocker engine = null;
        try {
            if (given != null && given.startsWith("unix://") && quiet(given, "info") == 0) {
                engine = new PrivateDocker(given, dir, null, image);
            } else {
                String host = "unix://" + dir.resolve("docker.sock");
                Process p = new ProcessBuilder("dockerd", "--host", host, "--data-root", dir.resolve("data").toString(),
                        "--exec-root", dir.resolve("exec").toString(), "--pidfile", dir.resolve("docker.pid").toString(),
                        "--bridge=none", "--iptables=false", "--ip6tables=false", "--ip-masq=false")
                        .redirectErrorStream(true).redirectOutput(dir.resolve("dockerd.log").toFile()).start();
                engine = new PrivateDocker(host, dir, p, image);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (quiet(host, "version") != 0) {
                    if (!p.isAlive()) throw new IOException("dockerd exited: " + Files.readString(dir.resolve("dockerd.log")));
                    if (System.nanoTime() > deadline) throw new IOException("dockerd did not answer in 60 s");
                    Thread.sleep(250);
                }
            }
            engine.importImage();
            return engine;
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (engine != null) engine.close();
            else new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor();
            throw e;
        }
    }

    private static int quiet(String host, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("docker", "-H", host));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    private void importImage() throws IOException, InterruptedException {
        Path root = Files.createDirectories(dir.resolve("image"));
        for (String d : List.of("etc", "usr", "run", "proc", "sys", "dev", "opt/airlock", "agent-bin")) Files.createDirectories(root.resolve(d));
        Files.createDirectories(root.resolve("tmp"));
        Files.setPosixFilePermissions(root.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nagent:x:1000:1000:agent:/tmp:/bin/sh\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\nagent:x:1000:\n");
        for (String l : List.of("bin", "sbin", "lib", "lib64")) Files.createSymbolicLink(root.resolve(l), Path.of("usr/" + l));
        // the agent's tools: the installed shim (mounted at /opt/airlock) under each name
        for (String tool : List.of("git", "airlock")) Files.createSymbolicLink(root.resolve("agent-bin/" + tool), Path.of("/opt/airlock/bin/airlock-shim"));
        Process tar = new ProcessBuilder("sh", "-c", "tar -C \"$1\" -c . | docker -H \"$2\" import -c 'ENV PATH=/agent-bin:/usr/bin:/bin' - \"$3\"",
                "sh", root.toString(), host, image).redirectErrorStream(true).start();
        String out = UserMachine.read(tar.getInputStream());
        if (tar.waitFor() != 0) throw new IOException("docker import failed: " + out);
    }

    @Override
    public void close() {
        try {
            if (dockerd == null) {
                quiet(host, "rmi", "-f", image);
            } else {
                dockerd.destroy(); // SIGTERM to the dockerd this test started
                if (!dockerd.waitFor(20, TimeUnit.SECONDS)) dockerd.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            new ProcessBuilder("rm", "-rf", dir.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // left in /tmp
        }
    }
}
