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
}
