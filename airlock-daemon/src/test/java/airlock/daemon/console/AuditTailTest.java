package airlock.daemon.console;

import airlock.daemon.audit.AuditLog;
import airlock.daemon.audit.AuditRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The live feed follows the real audit log, through rotation, each record once and in order. */
class AuditTailTest {
    @TempDir
    Path dir;

    @Test
    void everyRecordOnceInOrderAcrossRotations() throws Exception {
        AuditLog log = AuditLog.open(dir, 4096, 100); // ~10 records a file: several rotations between two polls
        for (int i = 0; i < 5; i++) log.append(record(i)); // before anyone watches: not on the feed
        AuditActivity activity = new AuditActivity(airlock.daemon.audit.AuditFiles.current(dir));
        List<Long> seen = new CopyOnWriteArrayList<>();
        try (AutoCloseable sub = activity.subscribe(e -> seen.add(e.seq()))) {
            Thread.sleep(AuditTail.POLL_MS * 2);
            for (int i = 5; i < 300; i++) {
                log.append(record(i));
                if (i % 40 == 0) Thread.sleep(AuditTail.POLL_MS + 50); // let it catch up now and then: rotation mid-follow
            }
            for (int i = 0; i < 100 && seen.size() < 295; i++) Thread.sleep(50);
        }
        assertThat(seen).hasSize(295);
        assertThat(seen).isSorted().doesNotHaveDuplicates();
        assertThat(seen.getFirst()).isEqualTo(6);
        assertThat(seen.getLast()).isEqualTo(300);
        assertThat(activity.verify().intact()).isTrue();
        assertThat(activity.recent(3)).extracting(AuditEntry::seq).containsExactly(300L, 299L, 298L);
        assertThat(activity.record(299)).isPresent();
        log.close();
    }

    /** Rotations while the tail reads: it once read the newest file under the old one's offset and lost a file's records. */
    @Test
    void aWriterRotatingAllTheTimeLosesNoRecordOnTheFeed() throws Exception {
        AuditLog log = AuditLog.open(dir, 4096, 1000);
        log.append(record(0));
        AuditActivity activity = new AuditActivity(airlock.daemon.audit.AuditFiles.current(dir));
        List<Long> seen = new CopyOnWriteArrayList<>();
        try (AutoCloseable sub = activity.subscribe(e -> seen.add(e.seq()))) {
            for (int i = 1; i <= 1500; i++) {
                log.append(record(i));
                if (i % 7 == 0) Thread.sleep(1); // about a rotation every poll or two, at any point of a read
            }
            for (int i = 0; i < 200 && seen.size() < 1500; i++) Thread.sleep(50);
        }
        assertThat(seen).isSorted().doesNotHaveDuplicates();
        assertThat(seen).hasSize(1500);
        assertThat(seen.getFirst()).isEqualTo(2);
        assertThat(seen.getLast()).isEqualTo(1501);
        log.close();
    }

    /** A watcher that comes in the instant of a rotation (no current file) gets news only, not the whole log. */
    @Test
    void aWatcherArrivingMidRotationStartsAfterTheNewestRecord() throws Exception {
        AuditLog log = AuditLog.open(dir, 1 << 20, 100);
        for (int i = 0; i < 20; i++) log.append(record(i));
        log.close();
        java.nio.file.Path current = airlock.daemon.audit.AuditFiles.current(dir);
        java.nio.file.Files.move(current, airlock.daemon.audit.AuditFiles.rotated(dir, 1)); // rotated, the new file not made yet
        AuditActivity activity = new AuditActivity(current);
        List<Long> seen = new CopyOnWriteArrayList<>();
        try (AutoCloseable sub = activity.subscribe(e -> seen.add(e.seq()))) {
            Thread.sleep(AuditTail.POLL_MS * 2);
            AuditLog again = AuditLog.open(dir, 1 << 20, 100); // the seq goes on from the rotated file
            for (int i = 20; i < 25; i++) again.append(record(i));
            for (int i = 0; i < 100 && seen.size() < 5; i++) Thread.sleep(50);
            Thread.sleep(AuditTail.POLL_MS * 2);
            again.close();
        }
        assertThat(seen).containsExactly(21L, 22L, 23L, 24L, 25L);
    }

    @Test
    void aLogAtTheConfiguredPathIsReadToo() throws Exception {
        // config.toml [log] path: another folder and another file name; rotated files sit next to it
        java.nio.file.Path file = java.nio.file.Files.createDirectories(dir.resolve("logs")).resolve("airlock-audit.log");
        AuditLog log = AuditLog.openFile(file, 4096, 100, java.time.Clock.systemUTC());
        for (int i = 0; i < 30; i++) log.append(record(i));
        AuditActivity activity = new AuditActivity(file);
        assertThat(activity.recent(2)).extracting(AuditEntry::seq).containsExactly(30L, 29L);
        assertThat(activity.record(1)).isPresent(); // in a rotated file
        assertThat(activity.verify().intact()).isTrue();
        log.close();
    }

    static AuditRecord record(int i) {
        return new AuditRecord("default", Instant.now()).request("git", List.of("status", "n" + i), "/w", "", false).allowed()
                .exit(0, 0, 0, 10);
    }
}
