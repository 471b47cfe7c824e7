package airlock.daemon.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

class AuditLogTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path tmp;

    static AuditRecord record(String profile, String... args) {
        return new AuditRecord(profile, Instant.now())
                .request("git", List.of(args), "/work", "", false)
                .peer(new AuditRecord.Peer(1000, 1000, 42))
                .hostCwd("/home/u/work")
                .module("ab".repeat(32))
                .allowed()
                .exit(0, 0, 3, 5);
    }

    @Test
    void concurrentAppendsGiveWholeLinesAndAnIntactChain() throws Exception {
        try (AuditLog log = AuditLog.open(tmp, 100L << 20, 5)) {
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                        log.append(record("p" + (n % 3), "log", "-n", Integer.toString(n), "x".repeat(n * 50)));
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }));
            }
            go.countDown();
            for (Thread t : threads) t.join();
        }
        List<String> lines = Files.readAllLines(AuditFiles.current(tmp));
        assertThat(lines).hasSize(200);
        for (String l : lines) {
            JsonNode n = JSON.readTree(l);
            assertThat(n.get("args").get(0).asText()).isEqualTo("log");
            assertThat(n.get("peer").get("pid").asLong()).isEqualTo(42);
            assertThat(n.has("env")).isFalse();
        }
        AuditChain.Report r = AuditChain.verify(tmp);
        assertThat(r.problems()).isEmpty();
        assertThat(r.records()).isEqualTo(200);
    }

    @Test
    void argvIsKeptLosslesslyAsAnArray() throws Exception {
        String odd = "a b\t\"q\" \\ \u00e9 \u2603 'x' $(y) \n z";
        try (AuditLog log = AuditLog.open(tmp, 1 << 20, 2)) {
            log.append(record("default", "commit", "-m", odd, ""));
        }
        JsonNode n = JSON.readTree(Files.readAllLines(AuditFiles.current(tmp)).getFirst());
        List<String> args = new ArrayList<>();
        n.get("args").forEach(a -> args.add(a.asText()));
        assertThat(args).containsExactly("commit", "-m", odd, "");
        assertThat(n.get("prev").asText()).isEqualTo(ChainHash.GENESIS);
        assertThat(n.get("seq").asLong()).isEqualTo(1);
    }

    @Test
    void rotationKeepsMaxFilesAndTheChainRunsAcrossThem() throws Exception {
        try (AuditLog log = AuditLog.open(tmp, 2_000, 3)) {
            for (int i = 0; i < 60; i++) log.append(record("default", "status", Integer.toString(i)));
        }
        List<Path> files = AuditFiles.oldestFirst(tmp);
        assertThat(files).hasSize(3);
        assertThat(files.getLast()).isEqualTo(AuditFiles.current(tmp));
        try (var s = Files.list(tmp)) {
            assertThat(s.count()).isEqualTo(3);
        }
        for (Path f : files) assertThat(Files.size(f)).isLessThanOrEqualTo(2_000);
        AuditChain.Report r = AuditChain.verify(tmp);
        assertThat(r.problems()).isEmpty();
        assertThat(r.firstSeq()).isGreaterThan(1); // the oldest records were rotated away
        assertThat(r.firstSeq() + r.records() - 1).isEqualTo(60);
    }

    @Test
    void reopeningContinuesTheChain() throws Exception {
        try (AuditLog log = AuditLog.open(tmp, 1 << 20, 2)) {
            log.append(record("default", "a"));
        }
        try (AuditLog log = AuditLog.open(tmp, 1 << 20, 2)) {
            log.append(record("default", "b"));
        }
        AuditChain.Report r = AuditChain.verify(tmp);
        assertThat(r.problems()).isEmpty();
        assertThat(r.records()).isEqualTo(2);
    }

    @Test
    void verifyCatchesAnEditedLine() throws Exception {
        write(5);
        Path f = AuditFiles.current(tmp);
        List<String> lines = new ArrayList<>(Files.readAllLines(f));
        lines.set(2, lines.get(2).replace("\"verdict\":\"allowed\"", "\"verdict\":\"refused\""));
        Files.write(f, lines);
        AuditChain.Report r = AuditChain.verify(tmp);
        assertThat(r.intact()).isFalse();
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.what()).contains("edited");
        });
    }

    @Test
    void verifyCatchesADeletedLineEvenAcrossRotation() throws Exception {
        try (AuditLog log = AuditLog.open(tmp, 1_500, 4)) {
            for (int i = 0; i < 12; i++) log.append(record("default", "status", Integer.toString(i)));
        }
        List<Path> files = AuditFiles.oldestFirst(tmp);
        assertThat(files.size()).isGreaterThan(1);
        Path current = files.getLast();
        List<String> lines = new ArrayList<>(Files.readAllLines(current));
        lines.removeFirst(); // the record that linked back into the rotated file
        Files.write(current, lines);
        AuditChain.Report r = AuditChain.verify(tmp);
        assertThat(r.problems()).singleElement().satisfies(p -> assertThat(p.what()).contains("missing"));
    }

    @Test
    void aRecomputedSeqStillBreaksTheChain() throws Exception {
        write(4);
        Path f = AuditFiles.current(tmp);
        List<String> lines = new ArrayList<>(Files.readAllLines(f));
        lines.remove(1);
        lines.set(1, lines.get(1).replace("\"seq\":3", "\"seq\":2"));
        lines.set(2, lines.get(2).replace("\"seq\":4", "\"seq\":3"));
        Files.write(f, lines);
        assertThat(AuditChain.verify(tmp).intact()).isFalse();
    }

    @Test
    void aTornLastLineIsReportedAndTheNextRecordStartsOnItsOwnLine() throws Exception {
        write(2);
        Path f = AuditFiles.current(tmp);
        Files.write(f, "{\"type\":\"requ".getBytes(StandardCharsets.UTF_8), java.nio.file.StandardOpenOption.APPEND);
        write(1);
        List<String> lines = Files.readAllLines(f);
        assertThat(lines).hasSize(4);
        assertThat(JSON.readTree(lines.get(3)).get("type").asText()).isEqualTo("request");
        AuditChain.Report r = AuditChain.verify(tmp);
        assertThat(r.problems()).singleElement().satisfies(p -> assertThat(p.line()).isEqualTo(3));
    }

    @Test
    void anUnwritableLogIsAnError() throws Exception {
        try (AuditLog log = AuditLog.open(tmp.resolve("a"), 1 << 20, 2)) {
            log.append(record("default", "a"));
            // The directory turns into a file: every write from now on fails.
            Path current = AuditFiles.current(tmp.resolve("a"));
            Files.delete(current);
            Files.createDirectory(current);
            log.close();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> log.append(record("default", "b")))
                    .isInstanceOf(AuditLogException.class).hasMessageContaining("cannot write the audit log");
        }
    }

    private void write(int n) throws Exception {
        try (AuditLog log = AuditLog.open(tmp, 1 << 20, 2)) {
            for (int i = 0; i < n; i++) log.append(record("default", "status", Integer.toString(i)));
        }
    }
}
