package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.SocketClient;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** [ask] rules: a request waits for a person on the host, who decides through the control socket only. */
class ApprovalsTest {
    @TempDir
    Path tmp;

    private static CompletableFuture<SocketClient.Result> inBackground(LifecycleWorld w, String... args) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return w.tool(args);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, r -> Thread.ofVirtual().start(r)); // the common pool may have one thread on a small machine
    }

    private static List<JsonNode> waiting(LifecycleWorld w, int n) throws Exception {
        assertThat(LifecycleWorld.eventually(() -> {
            try {
                return ControlClient.ask(new ConfigDirectory(w.config), ControlClient.op("list")).orElseThrow().path("pending").size() >= n;
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(20))).isTrue();
        List<JsonNode> out = new java.util.ArrayList<>();
        ControlClient.ask(new ConfigDirectory(w.config), ControlClient.op("list")).orElseThrow().path("pending").forEach(out::add);
        return out;
    }

    /** The last refused request's audit record. */
    private static JsonNode refusedRecord(LifecycleWorld w) throws Exception {
        return w.audit().stream().filter(n -> n.path("verdict").asText().equals("refused")).reduce((a, b) -> b).orElseThrow();
    }

    @Test
    void approveLetsThatRequestRunOnceAndIsAudited() throws Exception {
        try (LifecycleWorld w = new LifecycleWorld(tmp, "[ask]\nargs = [\"push\"]\ntimeout_s = 60\n", "").start()) {
            assertThat(w.tool("status").out()).as("what no rule asks about runs at once").isEqualTo("tool status\n");
            var pending = inBackground(w, "push", "origin");
            JsonNode p = waiting(w, 1).getFirst();
            String id = p.path("id").asText();
            Cli.Result list = w.cli.run("approvals");
            assertThat(list.out()).contains(id).contains("profile agent").contains("tool push origin").contains("in " + w.work);
            assertThat(w.cli.run("approvals", "--json").out()).contains("\"argv\":[\"tool\",\"push\",\"origin\"]");

            Cli.Result approve = w.cli.run("approve", id);
            assertThat(approve.exit()).as(approve.toString()).isZero();
            SocketClient.Result r = pending.get();
            assertThat(r.exit()).isZero();
            assertThat(r.out()).isEqualTo("tool push origin\n");
            assertThat(r.err()).contains("airlock: waiting for approval on the host (request " + id + ")");

            Cli.Result again = w.cli.run("approve", id);
            assertThat(again.exit()).as("an approval is used once").isEqualTo(1);
            assertThat(again.err()).contains("no request " + id + " waits");
            assertThat(w.events("approval-granted")).singleElement().asString().contains("approved by uid ").contains("tool push origin");
        }
    }

    /** A pre-exec hook runs first: the person is shown, and approves, the argv that will really run. */
    @Test
    void aRequestAHookRewritesIsAskedAboutAsRewritten() throws Exception {
        try (LifecycleWorld w = new LifecycleWorld(tmp, "[ask]\nargs = [\"push\"]\ntimeout_s = 60\n", "").start()) {
            Path hook = w.config.resolve("hooks/pre-exec");
            Files.createDirectories(hook.getParent());
            Files.writeString(hook, "#!/bin/sh\ncat >/dev/null; printf '%s' '{\"args\":[\"push\",\"rewritten\"]}'\n");
            Files.setPosixFilePermissions(hook, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            var pending = inBackground(w, "status");
            JsonNode p = waiting(w, 1).getFirst();
            assertThat(p.path("argv").toString()).isEqualTo("[\"tool\",\"push\",\"rewritten\"]");
            assertThat(w.cli.run("approve", p.path("id").asText()).exit()).isZero();
            assertThat(pending.get().out()).isEqualTo("tool push rewritten\n");
        }
    }

    /** A shim killed while it waits takes its request off the list: nobody is left to approve it for. */
    @Test
    void aCallerThatGoesAwayWithdrawsItsRequest() throws Exception {
        try (LifecycleWorld w = new LifecycleWorld(tmp, "[ask]\nargs = [\"push\"]\ntimeout_s = 120\n", "").start()) {
            Process shim = w.shim("tool", Map.of(), "push", "origin").start();
            waiting(w, 1);
            shim.destroyForcibly().waitFor();
            assertThat(LifecycleWorld.eventually(() -> {
                try {
                    return ControlClient.ask(new ConfigDirectory(w.config), ControlClient.op("list")).orElseThrow().path("pending").isEmpty();
                } catch (Exception e) {
                    return false;
                }
            }, Duration.ofSeconds(10))).as("withdrawn well before its 120 s").isTrue();
            assertThat(w.events("approval-withdrawn")).singleElement().asString().contains("tool push origin");
            assertThat(Files.exists(tmp.resolve("tool-calls"))).as("the tool never ran").isFalse();
        }
    }

    @Test
    void denyRefusesWithTheReason() throws Exception {
        try (LifecycleWorld w = new LifecycleWorld(tmp, "", "[ask]\nargs = [\"push\"]\n").start()) {
            var pending = inBackground(w, "push");
            String id = waiting(w, 1).getFirst().path("id").asText();
            assertThat(w.cli.run("deny", id, "--reason", "not on a friday").exit()).isZero();
            SocketClient.Result r = pending.get();
            assertThat(r.exit()).isEqualTo(126);
            assertThat(r.refusal()).contains("a person on the host denied request " + id + " (not on a friday)");
            assertThat(w.events("approval-denied")).hasSize(1);
            // issue 23: the refused record names the layer that refused (it was null)
            assertThat(refusedRecord(w).path("layer").asText()).isEqualTo("approval");
            assertThat(refusedRecord(w).path("reason").asText()).contains("not on a friday");
        }
    }

    @Test
    void nobodyDecidingRefusesAfterTheTimeout() throws Exception {
        try (LifecycleWorld w = new LifecycleWorld(tmp, "[ask]\nargs = [\"push\"]\ntimeout_s = 1\n", "").start()) {
            SocketClient.Result r = w.tool("push");
            assertThat(r.exit()).isEqualTo(126);
            assertThat(r.refusal()).contains("nobody on the host approved request").contains("within 1 s");
            assertThat(w.events("approval-timed-out")).hasSize(1);
            assertThat(refusedRecord(w).path("layer").asText()).isEqualTo("approval");
            assertThat(w.cli.run("approvals").out()).contains("no request waits");
        }
    }

    @Test
    void aDecisionMadeForOtherArgvIsRefusedAndTheRequestKeepsWaiting() throws Exception {
        try (LifecycleWorld w = new LifecycleWorld(tmp, "[ask]\nargs = [\"push\"]\ntimeout_s = 3\n", "").start()) {
            var a = inBackground(w, "push", "main");
            var b = inBackground(w, "push", "prod");
            List<JsonNode> both = waiting(w, 2);
            JsonNode first = both.get(0), second = both.get(1);
            // the id of one request with what the person saw for the other
            var answer = ControlClient.ask(new ConfigDirectory(w.config), ControlClient.op("approve").put("id", first.path("id").asText())
                    .put("binding", second.path("binding").asText())).orElseThrow();
            assertThat(answer.path("ok").asBoolean()).isFalse();
            assertThat(answer.path("error").asText()).contains("is not the request that decision was made for");
            assertThat(a.get().refusal()).contains("nobody on the host approved");
            assertThat(b.get().refusal()).contains("nobody on the host approved");
            assertThat(w.events("approval-mismatch")).hasSize(1);
        }
    }

    @Test
    void aWaitingRequestEndsWhenItsProfileIsRevoked() throws Exception {
        try (LifecycleWorld w = new LifecycleWorld(tmp, "[ask]\nargs = [\"push\"]\n", "").start()) {
            var pending = inBackground(w, "push");
            waiting(w, 1);
            assertThat(w.cli.run("profile revoke agent").exit()).isZero();
            assertThat(pending.get().refusal()).contains("profile 'agent' was revoked");
        }
    }
}
