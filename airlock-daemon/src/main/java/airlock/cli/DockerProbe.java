package airlock.cli;


import airlock.daemon.core.Executables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Whether a docker engine answers: the socket at DOCKER_HOST (or /var/run/docker.sock), then {@code docker version}. */
final class DockerProbe {
    private static final long TIMEOUT_SECONDS = 5;

    private DockerProbe() {}

    /** One line for a person; {@code reachable} tells whether the engine answered. */
    record Result(boolean reachable, String text) {}

    static Result probe(Host host) {
        String dockerHost = host.env().getOrDefault("DOCKER_HOST", "");
        Path socket = null;
        if (dockerHost.isEmpty()) socket = Path.of("/var/run/docker.sock");
        else if (dockerHost.startsWith("unix://")) socket = Path.of(dockerHost.substring("unix://".length()));
        if (socket != null && !Files.exists(socket)) {
            return new Result(false, "no docker socket at " + socket + (dockerHost.isEmpty() ? " (DOCKER_HOST is not set)" : " (from DOCKER_HOST)"));
        }
        var docker = Executables.find("docker", host.env().get("PATH"));
        if (docker.isEmpty()) {
            return new Result(false, "docker CLI not on PATH" + (socket != null ? "; a socket exists at " + socket : ""));
        }
        ProcessBuilder pb = new ProcessBuilder(docker.get().toString(), "version", "--format", "{{.Server.Version}}")
                .redirectErrorStream(true);
        pb.environment().clear();
        for (String k : List.of("PATH", "HOME", "DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_CONFIG")) {
            String v = host.env().get(k);
            if (v != null) pb.environment().put(k, v);
        }
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(false, "docker version did not answer within " + TIMEOUT_SECONDS + " s");
            }
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.exitValue() == 0) return new Result(true, "engine " + text + " answers" + (socket != null ? " at " + socket : " at " + dockerHost));
            String firstLine = text.lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("exit " + p.exitValue());
            return new Result(false, "docker version failed: " + firstLine);
        } catch (IOException e) {
            return new Result(false, "cannot run docker: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, "interrupted");
        }
    }
}
