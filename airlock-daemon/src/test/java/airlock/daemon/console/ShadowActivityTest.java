package airlock.daemon.console;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 26: the Activity page and its live feed show what the [shadow] candidate would have done. */
class ShadowActivityTest {
    private static AuditEntry entry(String json) {
        return AuditEntry.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aRecordTheCandidateJudgedDifferentlyIsMarked() {
        AuditEntry e = entry("""
                {"type":"request","seq":7,"time":"2026-12-06T08:00:00Z","profile":"agent","command":"git","args":["push","origin","main"],\
                "verdict":"allowed","layer":null,"rule":null,"exit_status":0,"duration_ms":40,\
                "shadow":{"verdict":"refused","layer":"module","rule":"push"}}""");
        assertThat(ActivityPage.row(e)).contains("<td>shadow: would be refused (module, rule push)</td>");
        assertThat(e.rowJson()).contains("\"layer\":\"shadow: would be refused (module, rule push)\"");

        AuditEntry refused = entry("""
                {"type":"request","seq":8,"time":"2026-12-06T08:00:01Z","profile":"agent","command":"git","args":["status","-s"],\
                "verdict":"refused","layer":"module","rule":null,"duration_ms":2,"shadow":{"verdict":"allowed","layer":null,"rule":null}}""");
        assertThat(ActivityPage.row(refused)).contains("<td>module · shadow: would be allowed</td>");
    }

    @Test
    void aRecordWithoutTheFieldIsAsBefore() {
        AuditEntry e = entry("""
                {"type":"request","seq":9,"time":"2026-12-06T08:00:02Z","profile":"agent","command":"git","args":["status"],\
                "verdict":"refused","layer":"mounts","rule":null,"duration_ms":2}""");
        assertThat(ActivityPage.row(e)).contains("<td>mounts</td>").doesNotContain("shadow");
    }
}
