package airlock.daemon.host;

import airlock.daemon.approval.Approvals;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one table of host operations: who may ask each is decided there, whatever front end
 * decoded the request, and a barred caller changes nothing.
 */
class HostOpsTest {
    static final long UID = 4242;

    final List<String> events = new CopyOnWriteArrayList<>();
    final Approvals approvals = new Approvals((type, detail) -> events.add(type + ": " + detail), Clock.systemUTC());
    final AtomicInteger reloads = new AtomicInteger();
    final HostOps ops = new HostOps(approvals, () -> reloads.incrementAndGet() > 0, UID);

    private static List<HostOp> every(WaitingRequest w) {
        return List.of(new HostOp.ListWaiting(), new HostOp.Approve(w.id(), w.binding()),
                new HostOp.Deny(w.id(), w.binding(), "no"), new HostOp.Reload());
    }

    @Test
    void anotherUserAContainerOrARunsProcessIsRefusedEveryOperationAndNothingHappens() throws Exception {
        var wait = CompletableFuture.supplyAsync(() -> {
            try {
                return approvals.await(new Approvals.Request("agent", "", 1000, List.of("git", "push"), "/w", "push"), 60, l -> { }, () -> false);
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
        WaitingRequest w = null;
        for (int i = 0; i < 2000 && w == null; i++) {
            if (ops.dispatch(new HostCaller.ConsoleSession("console (test)"), new HostOp.ListWaiting()) instanceof HostReply.Waiting l
                    && !l.pending().isEmpty()) w = l.pending().getFirst();
            else Thread.sleep(5);
        }
        assertThat(w).isNotNull();
        for (HostCaller barred : List.of(new HostCaller.ControlPeer(7, UID + 1, "", false, ""),
                new HostCaller.ControlPeer(7, UID, "4f2c1e9a7b3d", false, ""), new HostCaller.ControlPeer(7, UID, "", true, "me"))) {
            assertThat(ops.standing(barred)).as(barred.toString()).isInstanceOf(HostOps.Standing.Barred.class);
            for (HostOp op : every(w)) {
                assertThat(ops.dispatch(barred, op)).as(barred + " " + op).isInstanceOf(HostReply.Refused.class);
            }
        }
        assertThat(reloads).hasValue(0);
        assertThat(wait).isNotDone();
        assertThat(approvals.pending()).hasSize(1);

        HostCaller cli = new HostCaller.ControlPeer(7, UID, "", false, "alice");
        assertThat(ops.standing(cli)).isEqualTo(new HostOps.Standing.Admitted(HostOps.Who.HOST_USER));
        assertThat(ops.dispatch(cli, new HostOp.Reload())).isInstanceOf(HostReply.Reloaded.class);
        assertThat(ops.dispatch(cli, new HostOp.Approve(w.id(), w.binding()))).isInstanceOf(HostReply.Decided.class);
        assertThat(wait.get().approved()).isTrue();
        assertThat(events).anyMatch(e -> e.startsWith("approval-granted") && e.contains("approved by uid " + UID + " pid 7 (alice)"));
    }

    /**
     * Issue 27: the daemon image. A daemon in a container answers the CLI in its own container
     * ({@code docker exec C airlock approvals}); an agent's container stays barred.
     */
    @Test
    void aDaemonInAContainerAnswersItsOwnContainerAndNoOther() {
        String own = "a".repeat(64);
        HostOps inContainer = new HostOps(approvals, () -> reloads.incrementAndGet() > 0, UID, own);
        assertThat(inContainer.standing(new HostCaller.ControlPeer(7, UID, own, false, "alice"))).isInstanceOf(HostOps.Standing.Admitted.class);
        for (HostCaller barred : List.of(new HostCaller.ControlPeer(7, UID, "b".repeat(64), false, ""),
                new HostCaller.ControlPeer(7, UID, "", false, ""), new HostCaller.ControlPeer(7, UID + 1, own, false, ""),
                new HostCaller.ControlPeer(7, UID, own, true, ""))) {
            assertThat(inContainer.standing(barred)).as(barred.toString()).isInstanceOf(HostOps.Standing.Barred.class);
        }
    }

    @Test
    void everyOperationHasItsRowAndAWireForm() {
        WaitingRequest w = new WaitingRequest("ab12", "agent", "", 1, List.of("git"), "/w", "r", java.time.Instant.EPOCH,
                java.time.Instant.EPOCH, "bind");
        for (HostOp op : every(w)) {
            assertThat(HostOps.mayAsk(op)).as(op.toString()).isNotEmpty();
            assertThat(HostWire.op(HostWire.request(op, "alice"))).contains(op);
        }
    }
}
