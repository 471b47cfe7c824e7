package airlock.daemon.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Cgroup#runsParent} on a cgroup v2 directory as systemd's Delegate= leaves it. This host
 * (and CI) has cgroup v1 and no systemd running, so the directory is a stand-in: plain files
 * holding what the kernel's would. The kernel's own half (moving the process, refusing
 * subtree_control while the cgroup holds one) cannot be had here.
 */
class CgroupDelegationTest {
    @TempDir Path tmp;

    Path cgroup(String name, String controllers, String subtree) throws Exception {
        Path d = Files.createDirectories(tmp.resolve(name));
        Files.writeString(d.resolve("cgroup.controllers"), controllers + "\n");
        Files.writeString(d.resolve("cgroup.subtree_control"), subtree + "\n");
        Files.writeString(d.resolve("cgroup.procs"), "4242\n");
        return d;
    }

    @Test
    void aDelegatedDaemonMovesIntoALeafAndHandsPidsAndMemoryToTheRuns() throws Exception {
        Path own = cgroup("app.slice/airlock.service", "cpu memory pids", "");
        assertThat(Cgroup.runsParent(own, 4242, false)).isEqualTo(own);
        assertThat(own.resolve(Cgroup.DAEMON_LEAF + "/cgroup.procs")).hasContent("4242");
        assertThat(own.resolve("cgroup.subtree_control")).hasContent("+pids +memory");
        // the next run reads its cgroup as the leaf: the runs go beside it
        assertThat(Cgroup.runsParent(own.resolve(Cgroup.DAEMON_LEAF), 4242, false)).isEqualTo(own);
    }

    @Test
    void onlyPidsWhenMemoryIsNotDelegated() throws Exception {
        Path own = cgroup("airlock.service", "pids", "");
        Cgroup.runsParent(own, 7, false);
        assertThat(own.resolve("cgroup.subtree_control")).hasContent("+pids");
    }

    @Test
    void nothingMovesWhereTheControllersAreHandedDownAlreadyOrNotDelegatedOrForRoot() throws Exception {
        Path handed = cgroup("handed", "memory pids", "memory pids");
        Path none = cgroup("none", "cpu", "");
        Path root = cgroup("root", "memory pids", "");
        assertThat(Cgroup.runsParent(handed, 1, false)).isEqualTo(handed);
        assertThat(Cgroup.runsParent(none, 1, false)).isEqualTo(none);
        assertThat(Cgroup.runsParent(root, 1, true)).isEqualTo(root);
        for (Path p : new Path[]{handed, none, root}) assertThat(p.resolve(Cgroup.DAEMON_LEAF)).doesNotExist();
        assertThat(Files.readString(root.resolve("cgroup.subtree_control"))).isEqualTo("\n");
    }
}
