package airlock.daemon;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The control socket (approvals, reload) answers the daemon's own user on the host, but not a
 * process the daemon started: a tool run for an agent (terraform running workspace code) must not
 * approve its own waiting request.
 */
class ControlSocketCallerTest {
    @TempDir Path tmp;
    DaemonFixture f;

    @AfterEach
    void stop() {
        if (f != null) f.close();
    }

    @Test
    void aProcessStartedByTheDaemonIsRefused() throws Exception {
        f = new DaemonFixture(tmp, "").start(); // the daemon runs in this JVM: its children are "started by the daemon"
        Path sock = new ConfigDirectory(f.config).controlSocket();
        // the same request the CLI sends, from a child process of the daemon
        Process child = new ProcessBuilder("/usr/bin/python3", "-c", """
                import socket, sys
                s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b'{"op":"list"}\\n')
                print(s.makefile().readline().strip())
                """, sock.toString()).redirectErrorStream(true).start();
        String answer = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor()).isZero();
        assertThat(answer).contains("does not answer processes the daemon started").doesNotContain("pending");
        // the daemon's own JVM (where the CLI runs in tests) is not its own descendant
        assertThat(airlock.daemon.ControlSocket.startedByThisDaemon(ProcessHandle.current().pid())).isFalse();
    }

    /**
     * Issue 21.4: a double-forked, setsid grandchild of a run is reparented away from the daemon,
     * so the ancestry check alone answered it (it could run airlock approve). Its run's cgroup
     * still names it.
     */
    @Test
    void whatARunLeftBehindIsRefusedThoughReparented() throws Exception {
        var group = airlock.daemon.sandbox.Cgroup.create(0, 0);
        org.junit.jupiter.api.Assumptions.assumeTrue(group.isPresent(), "no cgroup the daemon may make here");
        f = new DaemonFixture(tmp, "").start();
        Path sock = new ConfigDirectory(f.config).controlSocket();
        Path answer = tmp.resolve("answer");
        try (var g = group.get()) {
            java.util.List<String> argv = new java.util.ArrayList<>(g.joinThenExec());
            argv.addAll(java.util.List.of("/usr/bin/python3", "-c", """
                    import os, socket, sys, time
                    if os.fork() > 0: os._exit(0)
                    os.setsid()
                    if os.fork() > 0: os._exit(0)
                    while os.getppid() == int(sys.argv[3]): time.sleep(0.01)
                    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b'{"op":"list"}\\n')
                    open(sys.argv[2] + ".tmp", "w").write(s.makefile().readline().strip())
                    os.rename(sys.argv[2] + ".tmp", sys.argv[2])
                    """, sock.toString(), answer.toString(), Long.toString(ProcessHandle.current().pid())));
            Process run = new ProcessBuilder(argv).redirectErrorStream(true).start();
            assertThat(run.waitFor()).isZero();
            for (int i = 0; i < 500 && !java.nio.file.Files.exists(answer); i++) Thread.sleep(20);
            assertThat(java.nio.file.Files.readString(answer)).contains("does not answer processes the daemon started")
                    .doesNotContain("pending");
        }
    }
}
