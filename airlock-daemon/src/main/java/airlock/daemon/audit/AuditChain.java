package airlock.daemon.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the hash chain over every audit file, oldest first. A record whose successor's
 * {@code prev} does not match was edited; a gap in {@code seq} means records were removed.
 * The first record present anchors the chain: files that rotation deleted cannot be checked,
 * and removing records from the very end or editing the last one is only caught against a head
 * hash kept elsewhere (printed by {@code airlock log --verify}).
 */
public final class AuditChain {
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Problem(Path file, long line, String what) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + what;
        }
    }

    public record Report(long records, int files, String head, long firstSeq, List<Problem> problems) {
        public boolean intact() {
            return problems.isEmpty();
        }
    }

    private AuditChain() {}

    public static Report verify(Path dir) throws IOException {
        return verifyFile(AuditFiles.current(dir));
    }

    /** The chain of the log whose current file is {@code current}. */
    public static Report verifyFile(Path current) throws IOException {
        List<Path> files = AuditFiles.oldestFirstOf(current);
        List<Problem> problems = new ArrayList<>();
        String expectedPrev = null;
        long expectedSeq = -1;
        long firstSeq = 0;
        long records = 0;
        Path lastFile = null;
        long lastLineNo = 0;
        for (Path file : files) {
            long lineNo = 0;
            for (byte[] line : lines(Files.readAllBytes(file))) {
                lineNo++;
                if (line.length == 0) {
                    problems.add(new Problem(file, lineNo, "empty line"));
                    continue;
                }
                JsonNode n;
                try {
                    n = JSON.readTree(line);
                } catch (IOException e) {
                    n = null;
                }
                if (n == null || !n.isObject() || !n.path("seq").canConvertToLong() || !n.path("prev").isTextual()) {
                    problems.add(new Problem(file, lineNo, "not an audit record (malformed JSON or no seq/prev)"));
                    expectedPrev = ChainHash.of(line);
                    expectedSeq = -1;
                    continue;
                }
                long seq = n.get("seq").asLong();
                String prev = n.get("prev").asText();
                if (expectedPrev == null) {
                    firstSeq = seq;
                    if (seq == 1 && !prev.equals(ChainHash.GENESIS)) {
                        problems.add(new Problem(file, lineNo, "the first record does not start the chain (prev is not the genesis hash)"));
                    }
                } else if (expectedSeq >= 0 && seq != expectedSeq) {
                    problems.add(new Problem(file, lineNo, seq > expectedSeq
                            ? (seq - expectedSeq) + " record(s) missing before this one (seq " + seq + ", expected " + expectedSeq + ")"
                            : "seq " + seq + " goes backwards (expected " + expectedSeq + ")"));
                } else if (!prev.equals(expectedPrev)) {
                    problems.add(new Problem(lastFile, lastLineNo,
                            "record was edited: its hash does not match the prev of the record after it"));
                }
                expectedPrev = ChainHash.of(line);
                expectedSeq = seq + 1;
                records++;
                lastFile = file;
                lastLineNo = lineNo;
            }
        }
        return new Report(records, files.size(), expectedPrev == null ? ChainHash.GENESIS : expectedPrev, firstSeq, problems);
    }

    /** Splits on '\n'; a last line without its newline is still a line (a torn write). */
    static List<byte[]> lines(byte[] data) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < data.length; i++) {
            if (data[i] == '\n') {
                out.add(java.util.Arrays.copyOfRange(data, start, i));
                start = i + 1;
            }
        }
        if (start < data.length) out.add(java.util.Arrays.copyOfRange(data, start, data.length));
        return out;
    }
}
