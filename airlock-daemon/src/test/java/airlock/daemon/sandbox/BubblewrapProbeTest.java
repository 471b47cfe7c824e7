package airlock.daemon.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** The probe answers whatever bubblewrap does: a hang is a refusal with a reason, never a hung daemon. */
class BubblewrapProbeTest {
    @TempDir Path tmp;

    private Path fake(String body) throws Exception {
        Path f = tmp.resolve("bwrap");
        Files.writeString(f, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwx------"));
        return f;
    }

    @Test
    void aBwrapThatHangsWithoutAWordIsUnavailableAtTheDeadline() throws Exception {
        String marker = "60." + (System.nanoTime() % 1_000_000); // a sleep of its own, found by its argv
        // silent and never ending: reading its output first (as the probe once did) waits for ever
        Bubblewrap.Availability a = Bubblewrap.probe(fake("sleep " + marker + "; true"), 500);
        assertThat(a).isInstanceOf(Bubblewrap.Availability.Unavailable.class);
        assertThat(a.toString()).contains("did not finish an empty sandbox in 500 ms");
        // killed at once; gone from the process table once reaped
        long left = 1;
        for (int i = 0; i < 100 && left > 0; i++) {
            left = ProcessHandle.allProcesses().filter(ProcessHandle::isAlive).filter(p -> p.info().arguments()
                    .map(args -> String.join(" ", args).contains(marker)).orElse(false)).count();
            if (left > 0) Thread.sleep(50);
        }
        assertThat(left).as("the probe's whole tree is killed").isZero();
    }

    @Test
    void aBwrapThatCannotMakeNamespacesSaysWhatItSaid() throws Exception {
        Bubblewrap.Availability a = Bubblewrap.probe(fake("echo 'bwrap: No permissions to creating new namespace' >&2; exit 1"), 5_000);
        assertThat(a).isInstanceOf(Bubblewrap.Availability.Unavailable.class);
        assertThat(a.toString()).contains("No permissions to creating new namespace").contains("unprivileged_userns_clone");
    }

    /**
     * Issue 27: a daemon in a container (the daemon image) whose bubblewrap cannot make namespaces
     * is told the container's fix, the seccomp profile shipped next to the image's Dockerfile;
     * scripts/deploy-test.sh meets the refusal through the real shim in a container without it.
     */
    @Test
    void inAContainerTheRefusalNamesTheSeccompProfileShippedInDocsDeploy() throws Exception {
        assertThat(Bubblewrap.inContainer(tmp, java.util.Map.of())).isFalse();
        assertThat(Bubblewrap.inContainer(tmp, java.util.Map.of("container", "podman"))).isTrue();
        Files.createDirectories(tmp.resolve("run"));
        Files.createFile(tmp.resolve("run/.containerenv"));
        assertThat(Bubblewrap.inContainer(tmp, java.util.Map.of())).isTrue();
        Files.delete(tmp.resolve("run/.containerenv"));
        Files.createFile(tmp.resolve(".dockerenv"));
        assertThat(Bubblewrap.inContainer(tmp, java.util.Map.of())).isTrue();

        assertThat(new Bubblewrap.Availability.Unavailable("bwrap cannot create namespaces here (x)", Bubblewrap.CONTAINER_FIX).message())
                .startsWith("airlock: refused by the sandbox layer: ")
                .contains("--security-opt seccomp=docs/deploy/bwrap-seccomp.json --security-opt systempaths=unconfined");
        // the file it names exists, and allows what bubblewrap needs and not what a container never does
        Path profile = Path.of("").toAbsolutePath().getParent().resolve("docs/deploy/bwrap-seccomp.json");
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(profile.toFile());
        assertThat(json.get("defaultAction").asText()).isEqualTo("SCMP_ACT_ERRNO");
        java.util.Set<String> allowed = new java.util.HashSet<>();
        json.get("syscalls").forEach(g -> {
            assertThat(g.get("action").asText()).isEqualTo("SCMP_ACT_ALLOW");
            g.get("names").forEach(n -> allowed.add(n.asText()));
        });
        assertThat(allowed).contains("unshare", "clone", "clone3", "mount", "umount2", "pivot_root", "execve", "openat")
                .doesNotContain("keyctl", "add_key", "bpf", "ptrace", "setns", "perf_event_open", "init_module", "kexec_load",
                        "userfaultfd", "io_uring_setup", "reboot", "open_by_handle_at");
    }
}
