package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.rules.ConfigError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Expiry, revocation and rotation against a real daemon, real shims and a real tool process. */
class LifecycleTest {
    @TempDir
    Path tmp;

    @Test
    void expiryDuringALongRunningCommandKillsItTellsTheShimAndItsSocketRefusesFromThenOn() throws Exception {
        try (LifecycleWorld w = new LifecycleWorld(tmp, "", "").start()) {
            Process shim = w.shim("tool", Map.of(), "slow").start();
            long pid = w.toolPid();
            Instant at = Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.MILLIS);
            w.profile("expires = " + at + "\n");
            assertThat(w.daemon.reloader().reload()).isTrue();
            int exit = shim.waitFor() ;
            long lateMs = Duration.between(at, Instant.now()).toMillis();
            String err = new String(shim.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            System.out.println("expiry: shim exited " + lateMs + " ms after the expiry instant (loaded machine)");
            assertThat(exit).isEqualTo(126);
            assertThat(err).contains("airlock: profile 'agent' expired at " + at);
            assertThat(LifecycleWorld.eventually(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), Duration.ofSeconds(5)))
                    .as("the tool's process is killed").isTrue();
            assertRefusedThroughTheShim(w, "airlock: profile 'agent' expired at " + at);
            assertThat(w.events("profile-expired")).singleElement().asString().contains("1 session(s) stopped");
            assertThat(w.cli.run("profile list").out()).contains("expired at " + at);
        }
    }

    @Test
    void aProfileExpiredAtLoadRefusesOnItsSocketAndDoctorAndShowSaySo() throws Exception {
        try (LifecycleWorld w = new LifecycleWorld(tmp, "", "expires = 2020-01-01T00:00:00Z\n").start()) {
            assertThat(w.daemon.listening()).doesNotContain("agent");
            assertThat(w.daemonLog()).contains("profile agent expired at 2020-01-01T00:00:00Z; its socket refuses every request with that reason");
            assertThat(w.events("profile-inactive")).hasSize(1);
            assertThat(w.cli.run("profile show agent").out()).contains("state    expired at 2020-01-01T00:00:00Z")
                    .contains("socket   " + w.socket() + "  (daemon running; the profile expired at 2020-01-01T00:00:00Z: every request");
            assertThat(w.cli.run("doctor").out()).contains("profile agent: expired at 2020-01-01T00:00:00Z; every request is refused (the daemon answers each on "
                    + w.socket() + " with why)");
            assertRefusedThroughTheShim(w, "airlock: profile 'agent' expired at 2020-01-01T00:00:00Z");
            w.daemon.close();
            assertThat(w.cli.run("profile show agent").out()).contains("socket   " + w.socket() + "  (daemon not running)");
        }
    }

    /**
     * Issue 20.6: after expiry or revocation the agent's call is refused with why (not "cannot
     * reach the daemon"), on the socket path and on the inode a container mounted (a hard link
     * here), for tools and the agent's own verbs alike; and nothing runs.
     */
    static void assertRefusedThroughTheShim(LifecycleWorld w, String why) throws Exception {
        long callsBefore = calls(w);
        ShimResult run = ShimResult.of(w.runShim("tool", Map.of(), "hello"));
        assertThat(run.exit()).as(run.err()).isEqualTo(126);
        assertThat(run.err()).startsWith(why).contains("nothing runs through it any more").contains("a person on the host")
                .doesNotContain("cannot reach the daemon");
        assertThat(run.out()).isEmpty();
        ShimResult verb = ShimResult.of(w.runShim("airlock", Map.of(), "whoami"));
        assertThat(verb.exit()).as(verb.err()).isEqualTo(126);
        assertThat(verb.err()).startsWith(why);
        assertThat(calls(w)).as("nothing ran through the stopped profile").isEqualTo(callsBefore);
        assertThat(w.audit().getLast().toString()).contains("\"verdict\":\"refused\"").contains(why.substring("airlock: ".length()));
    }

    record ShimResult(int exit, String out, String err) {
        static ShimResult of(airlock.daemon.ShimRunner.Result r) {
            return new ShimResult(r.exit(), r.out(), r.err());
        }
    }

    static long calls(LifecycleWorld w) throws java.io.IOException {
        Path f = w.work.getParent().resolve("tool-calls");
        return Files.exists(f) ? Files.readAllLines(f).size() : 0;
    }

    @Test
    void aContainerThatMountedTheSocketFileIsToldTheProfileWasRevokedAndWhy() throws Exception {
        try (LifecycleWorld w = new LifecycleWorld(tmp, "", "").start()) {
            Path mounted = tmp.resolve("mounted-in-a-container.sock");
            Files.createLink(mounted, w.socket());
            assertThat(airlock.daemon.ShimRunner.run(mounted, w.work, "tool", java.util.List.of("a")).out()).isEqualTo("tool a\n");

            Cli.Result revoke = w.cli.run("profile revoke agent", "--reason", "token leaked in a log");
            assertThat(revoke.exit()).as(revoke.toString()).isZero();

            var r = airlock.daemon.ShimRunner.run(mounted, w.work, "tool", java.util.List.of("b"));
            assertThat(r.exit()).as(r.err()).isEqualTo(126);
            assertThat(r.err()).startsWith("airlock: profile 'agent' was revoked at").contains("(token leaked in a log)")
                    .contains("nothing runs through it any more").doesNotContain("cannot reach");
            assertThat(Files.readAllLines(tmp.resolve("tool-calls"))).containsExactly("a");
            assertThat(w.cli.run("profile show agent").out())
                    .contains("socket   " + w.socket() + "  (daemon running; the profile was revoked at")
                    .contains("(token leaked in a log): every request on this socket is refused with that reason, nothing runs)")
                    .doesNotContain("daemon not running");

            // restored: a new socket; the old inode stays cut off, as after a rotation
            String restored = Files.readString(w.profileFile()).lines().filter(l -> !l.startsWith("revoked")).reduce("", (a, b) -> a + b + "\n");
            Files.writeString(w.profileFile(), restored);
            assertThat(w.daemon.reloader().reload()).isTrue();
            assertThat(w.tool("c").out()).isEqualTo("tool c\n");
            assertThatThrownBy(() -> SocketChannel.open(UnixDomainSocketAddress.of(mounted))).isInstanceOf(SocketException.class);
        }
    }

    @Test
    void aTimeWithoutAnOffsetFailsTheLoadWithFileLineAndKey() throws Exception {
        LifecycleWorld w = new LifecycleWorld(tmp, "", "# expires at the end of the year\nexpires = 2026-12-31T18:00:00\n");
        assertThatThrownBy(() -> new ConfigDirectory(w.config).load()).isInstanceOf(ConfigError.class)
                .hasMessageContaining("agent.toml").hasMessageContaining(":3").hasMessageContaining("expires")
                .hasMessageContaining("has no offset");
        assertThat(w.cli.run("check").all()).contains("expires").contains("has no offset");
    }

    @Test
    void revokeStopsARunningSessionAtOnceAndSurvivesARestartUntilTheLineIsDeleted() throws Exception {
        try (LifecycleWorld w = new LifecycleWorld(tmp, "", "").start()) {
            Process shim = w.shim("tool", Map.of(), "slow").start();
            long pid = w.toolPid();
            long t0 = System.nanoTime();
            Cli.Result revoke = w.cli.run("profile revoke agent", "--reason", "laptop lost");
            assertThat(revoke.exit()).as(revoke.toString()).isZero();
            assertThat(revoke.out()).contains("the running daemon applied it");
            int exit = shim.waitFor();
            System.out.println("revoke: shim exited " + (System.nanoTime() - t0) / 1_000_000 + " ms after 'airlock profile revoke' began");
            assertThat(exit).isEqualTo(126);
            assertThat(new String(shim.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                    .contains("airlock: profile 'agent' was revoked at").contains("(laptop lost)");
            assertThat(LifecycleWorld.eventually(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), Duration.ofSeconds(5))).isTrue();
            assertRefusedThroughTheShim(w, "airlock: profile 'agent' was revoked at");
            assertThat(w.events("profile-revoked")).singleElement().asString().contains("laptop lost");
            assertThat(Files.readString(w.profileFile())).startsWith("revoked = { at = ").contains("reason = \"laptop lost\"");

            w.restart();
            assertRefusedThroughTheShim(w, "airlock: profile 'agent' was revoked at");
            assertThat(w.tool("x").refusal()).contains("(laptop lost)");
            assertThat(w.cli.run("profile list").out()).contains("revoked at").contains("(laptop lost)");

            // a person deletes the line: the profile is back
            String restored = Files.readString(w.profileFile()).lines().filter(l -> !l.startsWith("revoked")).reduce("", (a, b) -> a + b + "\n");
            Files.writeString(w.profileFile(), restored);
            assertThat(w.daemon.reloader().reload()).isTrue();
            assertThat(w.tool("hello").out()).isEqualTo("tool hello\n");
            assertThat(w.events("profile-restored")).hasSize(1);
        }
    }

    /**
     * A session admitted before the revocation and still waiting (here for the command lock a
     * long run holds) never starts its tool, rather than starting it to be killed a moment later.
     */
    @Test
    void aRunWaitingForItsCommandLockWhenTheProfileIsRevokedNeverStarts() throws Exception {
        try (LifecycleWorld w = new LifecycleWorld(tmp, "[exec]\nconcurrent = false\n", "").start()) {
            Process holder = w.shim("tool", Map.of(), "slow").start();
            long pid = w.toolPid();
            Process waiter = w.shim("tool", Map.of(), "queued").start();
            // the waiter passes admission and blocks on the lock: the run of 'slow' holds it
            assertThat(LifecycleWorld.eventually(() -> w.daemon.running("agent") == 2, Duration.ofSeconds(20))).isTrue();
            Thread.sleep(2_000);
            assertThat(w.cli.run("profile revoke agent").out()).contains("the running daemon applied it");
            assertThat(holder.waitFor()).isEqualTo(126);
            assertThat(waiter.waitFor()).isEqualTo(126);
            assertThat(new String(waiter.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).contains("was revoked at");
            assertThat(LifecycleWorld.eventually(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), Duration.ofSeconds(5))).isTrue();
            Thread.sleep(1_000); // the lock is free now: a tool that was going to start has started
            assertThat(Files.readAllLines(tmp.resolve("tool-calls"))).containsExactly("slow");
            // refused either way: by the start (the usual case: it waited for the lock) or, on a machine
            // so loaded that it had not reached its second admission yet, by that admission
            assertThat(w.audit().stream().map(Object::toString).filter(r -> r.contains("queued")).toList()).singleElement()
                    .asString().containsAnyOf("the profile was stopped before the tool started", "was revoked at");
        }
    }

    @Test
    void aShimThatStoppedReadingCannotHoldUpARevocation() throws Exception {
        try (LifecycleWorld w = new LifecycleWorld(tmp, "", "").start()) {
            Process shim = w.shim("tool", Map.of(), "flood").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long pid = w.toolPid();
            airlock.daemon.core.Signals.send(shim.pid(), 19); // SIGSTOP: the daemon's writes to it fill the socket and block
            Thread.sleep(500);
            var revoke = java.util.concurrent.CompletableFuture.supplyAsync(() -> w.cli.run("profile revoke agent"),
                    r -> Thread.ofVirtual().start(r));
            Cli.Result r = revoke.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(r.out()).contains("the running daemon applied it");
            assertThat(LifecycleWorld.eventually(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), Duration.ofSeconds(10)))
                    .as("the flooding tool is killed though its caller reads nothing").isTrue();
            assertThat(w.tool("x").refusal()).contains("was revoked at");
            airlock.daemon.core.Signals.send(shim.pid(), 18); // SIGCONT
            assertThat(shim.waitFor()).isNotZero();
        }
    }

    @Test
    void revokeThroughTheWatcherAloneReachesTheRunningDaemon() throws Exception {
        try (LifecycleWorld w = new LifecycleWorld(tmp, "", "").start()) {
            w.daemon.reloader().watch(airlock.daemon.Reloader.DEFAULT_DEBOUNCE);
            Process shim = w.shim("tool", Map.of(), "slow").start();
            w.toolPid();
            long t0 = System.nanoTime();
            // the file as 'airlock profile revoke' writes it, but with no control socket to call
            airlock.daemon.lifecycle.ProfileFile.setLine(w.profileFile(), "revoked", "{ at = 2026-01-01T00:00:00Z, reason = \"x\" }", "");
            assertThat(shim.waitFor()).isEqualTo(126);
            System.out.println("revoke via the config watcher: " + (System.nanoTime() - t0) / 1_000_000
                    + " ms from the file change to the shim's exit (debounce " + airlock.daemon.Reloader.DEFAULT_DEBOUNCE.toMillis() + " ms)");
            assertThat(w.tool("x").refusal()).contains("was revoked at");
        }
    }

    @Test
    void rotateReplacesTheSocketSoAnOldHardLinkStopsWorkingAndTheSamePathWorks() throws Exception {
        try (LifecycleWorld w = new LifecycleWorld(tmp, "", "").start()) {
            Path oldLink = tmp.resolve("mounted-in-an-old-container.sock");
            Files.createLink(oldLink, w.socket());
            assertThat(airlock.daemon.SocketClient.run(oldLink, "tool", java.util.List.of("a"), w.work.toString()).out()).isEqualTo("tool a\n");
            Object inodeBefore = Files.getAttribute(w.socket(), "unix:ino");

            Cli.Result r = w.cli.run("profile rotate agent");
            assertThat(r.exit()).as(r.toString()).isZero();

            assertThat(Files.getAttribute(w.socket(), "unix:ino")).isNotEqualTo(inodeBefore);
            assertThatThrownBy(() -> SocketChannel.open(UnixDomainSocketAddress.of(oldLink))).isInstanceOf(SocketException.class);
            assertThat(w.tool("b").out()).isEqualTo("tool b\n");
            assertThat(w.events("profile-rotated")).hasSize(1);
            assertThat(Files.readString(w.profileFile())).contains("rotated = ");
        }
    }
}
