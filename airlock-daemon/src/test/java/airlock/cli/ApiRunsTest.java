package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.core.Caller;
import airlock.daemon.pipeline.CallerLink;
import airlock.daemon.runs.Run;
import airlock.daemon.runs.RunStatus;
import airlock.daemon.runs.Runs;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 24: a run that outlives its request ({@link Runs}, what {@code POST /v1/runs} starts) on a
 * real daemon meets the same approvals, stops and records as a socket's call: it waits for a
 * person and is admitted meanwhile, a denial ends it refused by the approval layer, a cancel
 * withdraws its wait, a revoked profile interrupts it and kills its tool, and another profile
 * never sees it.
 */
class ApiRunsTest {
    private static final Caller.KeyHolder KEY = new Caller.KeyHolder("ark_0123456789", "127.0.0.1");

    @TempDir Path tmp;

    private static Run started(LifecycleWorld w, String... args) throws Exception {
        Runs.Started s = w.daemon.runs().start(new Runs.Asked("agent", KEY, "tool", List.of(args), Map.of("notes.txt", "hello"), new byte[0]));
        assertThat(s).isInstanceOf(Runs.Started.Accepted.class);
        return ((Runs.Started.Accepted) s).run();
    }

    private static RunStatus ended(Run run) throws Exception {
        assertThat(LifecycleWorld.eventually(() -> run.status().ended(), Duration.ofSeconds(30))).as(run.view().toString()).isTrue();
        return run.status();
    }

    private static List<JsonNode> waiting(LifecycleWorld w, int n) throws Exception {
        assertThat(LifecycleWorld.eventually(() -> {
            try {
                return airlock.cli.ControlClient.ask(new ConfigDirectory(w.config), airlock.cli.ControlClient.op("list")).orElseThrow()
                        .path("pending").size() == n;
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(20))).isTrue();
        List<JsonNode> out = new java.util.ArrayList<>();
        airlock.cli.ControlClient.ask(new ConfigDirectory(w.config), airlock.cli.ControlClient.op("list")).orElseThrow().path("pending").forEach(out::add);
        return out;
    }

    @Test
    void aRunThatWaitsForAPersonIsAdmittedAndRunsWhenApproved() throws Exception {
        try (LifecycleWorld w = new LifecycleWorld(tmp, "[ask]\nargs = [\"push\"]\ntimeout_s = 60\n", "").start()) {
            Run run = started(w, "push", "origin");
            assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
            JsonNode p = waiting(w, 1).getFirst();
            assertThat(p.path("argv").toString()).isEqualTo("[\"tool\",\"push\",\"origin\"]");
            assertThat(w.cli.run("approve", p.path("id").asText()).exit()).isZero();
            assertThat(ended(run)).isEqualTo(RunStatus.COMPLETED);
            assertThat(new String(run.output().stream(CallerLink.Output.STDOUT), StandardCharsets.UTF_8)).isEqualTo("tool push origin\n");
            assertThat(new String(run.output().stream(CallerLink.Output.STDERR), StandardCharsets.UTF_8))
                    .contains("airlock: waiting for approval on the host");
            JsonNode record = w.audit().stream().filter(n -> n.path("args").toString().equals("[\"push\",\"origin\"]")).reduce((a, b) -> b).orElseThrow();
            assertThat(record.path("key_holder").path("key_id").asText()).isEqualTo(KEY.keyId());
            assertThat(record.path("key_holder").path("transport").asText()).isEqualTo("https");
            assertThat(record.path("peer").isNull()).isTrue();
            // the run's own folder, never the profile's mounts, and gone once it ended
            Path cwd = Path.of(record.path("cwd").asText());
            assertThat(cwd).isNotEqualTo(w.work);
            assertThat(cwd.getFileName().toString()).isEqualTo(run.id());
            assertThat(cwd).doesNotExist();
            // another profile's key never sees it
            assertThat(w.daemon.runs().get("other", run.id())).isEmpty();
            assertThat(w.daemon.runs().get("agent", run.id())).containsSame(run);
        }
    }

    @Test
    void aDenialEndsTheRunRefusedByTheApprovalLayer() throws Exception {
        try (LifecycleWorld w = new LifecycleWorld(tmp, "[ask]\nargs = [\"push\"]\ntimeout_s = 60\n", "").start()) {
            Run run = started(w, "push");
            String id = waiting(w, 1).getFirst().path("id").asText();
            assertThat(w.cli.run("deny", id, "--reason", "not on a friday").exit()).isZero();
            assertThat(ended(run)).isEqualTo(RunStatus.REFUSED);
            Run.View v = run.view();
            assertThat(v.refusal().orElseThrow().decision().orElseThrow().layer().name()).isEqualTo("APPROVAL");
            assertThat(v.error()).contains("not on a friday");
            assertThat(v.exitCode()).isNull();
            assertThat(run.output().stream(CallerLink.Output.STDOUT)).isEmpty();
        }
    }

    @Test
    void aCancelWithdrawsItsWaitAndNothingRuns() throws Exception {
        try (LifecycleWorld w = new LifecycleWorld(tmp, "[ask]\nargs = [\"push\"]\ntimeout_s = 60\n", "").start()) {
            Run run = started(w, "push");
            waiting(w, 1);
            assertThat(w.daemon.runs().cancel("other", run.id())).as("another profile cannot cancel it").isFalse();
            assertThat(w.daemon.runs().cancel("agent", run.id())).isTrue();
            assertThat(ended(run)).isEqualTo(RunStatus.CANCELLED);
            waiting(w, 0);
            assertThat(Files.exists(tmp.resolve("tool-calls"))).as("the tool never ran").isFalse();
            assertThat(w.daemon.runs().cancel("agent", run.id())).as("an ended run is not cancelled again").isFalse();
        }
    }

    @Test
    void revokingTheProfileInterruptsItsRunAndKillsTheTool() throws Exception {
        try (LifecycleWorld w = new LifecycleWorld(tmp, "", "").start()) {
            Run run = started(w, "slow");
            assertThat(LifecycleWorld.eventually(() -> Files.exists(w.pidFile), Duration.ofSeconds(20))).isTrue();
            long pid = w.toolPid();
            Cli.Result revoke = w.cli.run("profile revoke agent", "--reason", "key leaked");
            assertThat(revoke.exit()).as(revoke.toString()).isZero();
            assertThat(ended(run)).isEqualTo(RunStatus.INTERRUPTED);
            assertThat(LifecycleWorld.eventually(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true), Duration.ofSeconds(10))).isTrue();
            assertThat(new String(run.output().stream(CallerLink.Output.STDERR), StandardCharsets.UTF_8)).contains("revoked");
            // a revoked profile admits no new run: refused by the admission layer, nothing kept
            Runs.Started again = w.daemon.runs().start(new Runs.Asked("agent", KEY, "tool", List.of("status"), Map.of(), new byte[0]));
            assertThat(again).isInstanceOf(Runs.Started.Refused.class);
            assertThat(((Runs.Started.Refused) again).refusal().message()).contains("revoked");
        }
    }
}
