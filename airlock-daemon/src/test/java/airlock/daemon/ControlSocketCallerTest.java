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
}
