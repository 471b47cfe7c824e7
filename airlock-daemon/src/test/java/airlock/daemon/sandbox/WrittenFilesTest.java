package airlock.daemon.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Files a run created or changed are redacted in place; nothing else is touched, links are not followed. */
class WrittenFilesTest {
    @TempDir Path tmp;
    static final String SECRET = "CANARY-SECRET-5e1f9a";

    @Test
    void newAndChangedFilesAreRedactedInPlaceAndOthersLeftAlone() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path outside = Files.writeString(tmp.resolve("outside"), "outside " + SECRET);
        Path old = Files.writeString(work.resolve("old.txt"), "was here before " + SECRET);
        Path changed = Files.writeString(work.resolve("changed.txt"), "v1");
        Files.createSymbolicLink(work.resolve("link"), outside);
        WrittenFiles.Snapshot before = WrittenFiles.before(List.of(work));

        Path created = Files.writeString(Files.createDirectories(work.resolve("deep/er")).resolve("new.json"),
                "{\"k\": \"" + SECRET + "\", \"again\": \"" + SECRET + "\"}");
        Files.writeString(changed, "v2 longer " + SECRET);
        Object inode = Files.readAttributes(changed, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        Files.writeString(work.resolve("clean.txt"), "nothing secret");

        WrittenFiles.Report r = WrittenFiles.redact(before, RawRedaction.of(SECRET));
        assertThat(r.scanned()).isEqualTo(3);
        assertThat(r.redacted()).containsExactlyInAnyOrder(created, changed);
        assertThat(r.matches()).isEqualTo(3);
        assertThat(r.unscanned()).isEmpty();
        assertThat(created).hasContent("{\"k\": \"[airlock:redacted]\", \"again\": \"[airlock:redacted]\"}");
        assertThat(changed).hasContent("v2 longer [airlock:redacted]");
        assertThat(Files.readAttributes(changed, java.nio.file.attribute.BasicFileAttributes.class).fileKey()).isEqualTo(inode);
        // not written by the run, or outside the mount through a link: untouched
        assertThat(old).hasContent("was here before " + SECRET);
        assertThat(outside).hasContent("outside " + SECRET);
        assertThat(work.resolve("clean.txt")).hasContent("nothing secret");
    }

    @Test
    void aLinkPlantedDuringTheRunIsNotFollowed() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path outside = Files.writeString(tmp.resolve("host-file"), "host " + SECRET);
        WrittenFiles.Snapshot before = WrittenFiles.before(List.of(work));
        Files.createSymbolicLink(work.resolve("planted"), outside);
        WrittenFiles.Report r = WrittenFiles.redact(before, RawRedaction.of(SECRET));
        assertThat(r.scanned()).isZero();
        assertThat(outside).hasContent("host " + SECRET);
    }
}
