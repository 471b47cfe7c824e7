package airlock.daemon;

import airlock.daemon.audit.AuditChain;
import airlock.daemon.audit.AuditFiles;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/** The audit log as the daemon writes it: real sockets, real git, real files. */
class AuditDaemonTest {
    @TempDir Path tmp;
    DaemonFixture f;

    @AfterEach
    void stop() {
        if (f != null) f.close();
    }

    @Test
    void twoHundredConcurrentRequestsGiveTwoHundredWholeLinesWithAnIntactChain() throws Exception {
        f = new DaemonFixture(tmp, "").start();
        Path auditFile = AuditFiles.current(new ConfigDirectory(f.config).auditDir());
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String marker = "req-" + i;
            // every fifth request is refused (by the git check: "-c x=..." before the subcommand is
            // not a "-c=*.*=*" of the module's rules): refusals are recorded too
            List<String> args = i % 5 == 0 ? List.of("-c", "x=" + marker, "log") : List.of("log", "-1", "--format=tformat:" + marker);
            clients.add(Thread.ofPlatform().stackSize(256 * 1024).start(() -> {
                try {
                    go.await();
                    var r = SocketClient.run(f.socket("default"), "git", args, f.repo.toString());
                    boolean refused = args.getFirst().equals("-c");
                    if (refused != (r.refusal() != null)) problems.add(marker + ": unexpected result " + r);
                    if (!refused && !r.out().equals(marker + "\n")) problems.add(marker + ": output " + r);
                    // The record is on disk before the last frame: it must be there now.
                    if (!Files.readString(auditFile).contains(marker)) problems.add(marker + ": no record before the last frame");
                } catch (Exception e) {
                    problems.add(marker + ": " + e);
                }
            }));
        }
        go.countDown();
        for (Thread t : clients) t.join();
        assertThat(problems).isEmpty();

        List<String> lines = Files.readAllLines(auditFile);
        assertThat(lines).hasSize(200);
        Set<String> ids = new HashSet<>();
        int refused = 0;
        for (String l : lines) {
            JsonNode n = DaemonFixture.JSON.readTree(l);
            ids.add(n.get("id").asText());
            assertThat(n.get("profile").asText()).isEqualTo("default");
            assertThat(n.get("command").asText()).isEqualTo("git");
            assertThat(n.get("peer").get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
            assertThat(n.get("peer").get("uid").asLong()).isGreaterThanOrEqualTo(0);
            assertThat(n.get("module_sha256").asText()).hasSize(64);
            assertThat(n.get("cwd").asText()).isEqualTo(f.repo.toString());
            if (n.get("verdict").asText().equals("refused")) {
                refused++;
                // the git check names its own layer and rule (it used to claim the module layer
                // for a rule module.toml does not contain)
                assertThat(n.get("layer").asText()).isEqualTo("check");
                assertThat(n.get("rule").asText()).isEqualTo("git:global-options");
            } else {
                assertThat(n.get("exit_status").asInt()).isZero();
                assertThat(n.get("host_cwd").asText()).isEqualTo(f.repo.toRealPath().toString());
                assertThat(n.get("bytes_out").asLong()).isPositive();
                assertThat(n.get("argv").get(0).asText()).endsWith("/git");
            }
            assertThat(l).doesNotContain("dumb"); // the caller's TERM value: never an env value in the log
        }
        assertThat(ids).hasSize(200);
        assertThat(refused).isEqualTo(40);
        AuditChain.Report report = AuditChain.verify(new ConfigDirectory(f.config).auditDir());
        assertThat(report.problems()).isEmpty();
        assertThat(report.records()).isEqualTo(200);
    }

    @Test
    void theChainContinuesAcrossADaemonRestart() throws Exception {
        f = new DaemonFixture(tmp, "").start();
        f.git("status");
        f.close();
        f.start();
        f.git("status");
        assertThat(f.records()).hasSize(2);
        assertThat(AuditChain.verify(new ConfigDirectory(f.config).auditDir()).problems()).isEmpty();
    }

    @Test
    void anUnwritableAuditLogIsSaidLoudlyAndRefusesRuns() throws Exception {
        f = new DaemonFixture(tmp, "");
        Path dir = new ConfigDirectory(f.config).auditDir();
        Files.createDirectories(dir);
        Files.createSymbolicLink(AuditFiles.current(dir), Path.of("/dev/full")); // every write: ENOSPC
        f.start();
        var first = f.git("log", "-1", "--format=%s");
        assertThat(first.out()).isEqualTo("first\n");
        assertThat(first.err()).contains("airlock: WARNING: this run is missing from the audit log");
        assertThat(f.daemonStderr()).contains("airlock: AUDIT LOG FAILURE");
        var second = f.git("log", "-1", "--format=%s");
        assertThat(second.exit()).isEqualTo(126);
        assertThat(second.out()).isEmpty();
        assertThat(second.refusal()).contains("the audit log cannot be written and nothing runs unrecorded");

        // Once the log can be written again, the next refusal's record heals it.
        Files.delete(AuditFiles.current(dir));
        f.git("log"); // refused (the log was broken), but its record is written
        assertThat(f.git("log", "-1", "--format=%s").out()).isEqualTo("first\n");
    }
}
