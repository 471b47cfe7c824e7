package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.audit.AuditFiles;
import airlock.daemon.audit.AuditLog;
import airlock.daemon.audit.AuditRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LogCommandTest {
    @TempDir Path config;

    record Run(int exit, String out, String err) {}

    Run airlock(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        var cl = Airlock.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    AuditLog open() throws Exception {
        return AuditLog.open(new ConfigDirectory(config).auditDir(), 1 << 20, 3);
    }

    void sample() throws Exception {
        try (AuditLog log = open()) {
            log.append(new AuditRecord("default", Instant.parse("2026-11-23T10:00:00Z"))
                    .request("git", List.of("commit", "-m", "it's done"), "/work", "", false).allowed().exit(0, 0, 0, 10));
            log.append(new AuditRecord("ci", Instant.parse("2026-11-23T10:00:01Z"))
                    .request("git", List.of("push", "--force"), "/work", "", false)
                    .refused("module", "push-force", "force push rewrites history"));
            log.append(new AuditRecord("default", Instant.parse("2026-11-23T10:00:02Z"))
                    .request("git", List.of("log", "\u001b]0;owned\u0007"), "/work", "", false).allowed().exit(1, 0, 0, 0));
            log.event("reload", "configuration reloaded: profiles ci, default");
        }
    }

    /** Issue 28: OCSF Process Activity (class 1007) for a SIEM; the mapping is in docs/audit-and-hooks.md. */
    @Test
    void ocsfIsOneProcessActivityEventPerRequest() throws Exception {
        sample();
        Run r = airlock("log", "--config", config.toString(), "--format", "ocsf");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).as("three requests; the reload event is no process activity").hasSize(3);
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var ran = json.readTree(lines.get(0));
        assertThat(ran.path("class_uid").asInt()).isEqualTo(1007);
        assertThat(ran.path("category_uid").asInt()).isEqualTo(1);
        assertThat(ran.path("activity_id").asInt()).isEqualTo(1);
        assertThat(ran.path("type_uid").asLong()).isEqualTo(100701);
        assertThat(ran.path("time").asLong()).isEqualTo(Instant.parse("2026-11-23T10:00:00Z").toEpochMilli());
        assertThat(ran.path("metadata").path("version").asText()).isEqualTo("1.3.0");
        assertThat(ran.path("metadata").path("product").path("name").asText()).isEqualTo("airlock");
        assertThat(ran.path("action").asText()).isEqualTo("Allowed");
        assertThat(ran.path("status").asText()).isEqualTo("Success");
        assertThat(ran.path("exit_code").asInt()).isZero();
        assertThat(ran.path("process").path("cmd_line").asText()).isEqualTo("git commit -m it's done");
        assertThat(ran.path("unmapped").path("profile").asText()).isEqualTo("default");
        var refused = json.readTree(lines.get(1));
        assertThat(refused.path("action").asText()).isEqualTo("Denied");
        assertThat(refused.path("disposition").asText()).isEqualTo("Blocked");
        assertThat(refused.path("severity_id").asInt()).isEqualTo(3);
        assertThat(refused.path("unmapped").path("layer").asText()).isEqualTo("module");
        assertThat(refused.path("unmapped").path("rule").asText()).isEqualTo("push-force");
        // the filters apply as in the text format
        assertThat(airlock("log", "--config", config.toString(), "--format", "ocsf", "--denied").out().lines()).hasSize(1);
        assertThat(airlock("log", "--config", config.toString(), "--format", "ocsf", "--profile", "ci").out().lines())
                .singleElement().asString().contains("\"cmd_line\":\"git push --force\"");
    }

    @Test
    void printsOneReadableLinePerRecord() throws Exception {
        sample();
        Run r = airlock("log", "--config", config.toString());
        assertThat(r.exit()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("2026-11-23T10:00:00Z  default  allowed  git commit -m 'it'\\''s done'  exit 0  ");
        assertThat(lines.get(1)).contains("ci  refused  git push --force  exit -").contains("[module rule push-force: force push rewrites history]");
        // the agent's escape sequence is shown quoted, never sent raw to the terminal
        assertThat(lines.get(2)).contains("git log $'\\e]0;owned\\x07'  exit 1").doesNotContain("\u001b");
        assertThat(lines.get(3)).contains("reload").contains("configuration reloaded");
    }

    @Test
    void aDryRunIsMarkedAsACheckAndEveryLineShowsTheCwdAndTheContainer() throws Exception {
        String container = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        try (AuditLog log = open()) {
            log.append(new AuditRecord("default", Instant.parse("2026-11-23T10:00:00Z"))
                    .request("git", List.of("push", "--force"), "/workspace/proj", container, true).allowed().exit(0, 0, 0, 3));
            log.append(new AuditRecord("default", Instant.parse("2026-11-23T10:00:01Z"))
                    .request("git", List.of("push", "--force"), "/workspace/proj", "", true)
                    .refused("module", "push & --force", "rewrites history"));
            log.append(new AuditRecord("default", Instant.parse("2026-11-23T10:00:02Z"))
                    .request("git", List.of("status"), "/workspace/proj", container, false).allowed().exit(0, 0, 0, 5));
        }
        List<String> lines = airlock("log", "--config", config.toString()).out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains("default  check: would be allowed  git push --force  (dry run, nothing ran)")
                .doesNotContain("exit 0").endsWith("cwd /workspace/proj  container 0123456789ab");
        assertThat(lines.get(1)).contains("check: would be refused  git push --force  (dry run, nothing ran)")
                .contains("cwd /workspace/proj  container -");
        assertThat(lines.get(2)).contains("default  allowed  git status  exit 0").contains("cwd /workspace/proj  container 0123456789ab");
    }

    @Test
    void showsHowManyTimesEachSecretWasRedacted() throws Exception {
        try (AuditLog log = open()) {
            log.append(new AuditRecord("default", Instant.parse("2026-11-23T10:00:00Z"))
                    .request("gh", List.of("auth", "status"), "/work", "", false).allowed().exit(0, 0, 0, 10)
                    .secrets(List.of("github_token"), java.util.Map.of("github_token", 2L, "npm_token", 1L)));
        }
        String line = airlock("log", "--config", config.toString()).out().strip();
        assertThat(line).endsWith("  redacted github_token x2, npm_token x1");
        String json = java.nio.file.Files.readString(AuditFiles.current(new ConfigDirectory(config).auditDir()));
        assertThat(json).contains("\"secrets\":[\"github_token\"]").contains("\"redactions\":{\"github_token\":2,\"npm_token\":1}");
    }

    @Test
    void filtersDeniedAndProfile() throws Exception {
        sample();
        assertThat(airlock("log", "--denied", "--config", config.toString()).out().lines().toList())
                .singleElement().asString().contains("git push --force");
        assertThat(airlock("log", "--profile", "default", "--config", config.toString()).out().lines().toList())
                .hasSize(2).allSatisfy(l -> assertThat(l).contains("  default  "));
    }

    @Test
    void verifyPassesOnAnIntactLogAndFailsOnAnEditedOrDeletedLine() throws Exception {
        sample();
        Run ok = airlock("log", "--verify", "--config", config.toString());
        assertThat(ok.exit()).isZero();
        assertThat(ok.out()).contains("intact: 4 record(s) in 1 file(s)").contains("head ");

        Path f = AuditFiles.current(new ConfigDirectory(config).auditDir());
        List<String> original = Files.readAllLines(f);
        List<String> edited = new ArrayList<>(original);
        edited.set(1, edited.get(1).replace("\"refused\"", "\"allowed\""));
        Files.write(f, edited);
        Run bad = airlock("log", "--verify", "--config", config.toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains(f + ":2: record was edited").contains("BROKEN");

        List<String> deleted = new ArrayList<>(original);
        deleted.remove(1);
        Files.write(f, deleted);
        Run gone = airlock("log", "--verify", "--config", config.toString());
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.err()).contains(f + ":2: 1 record(s) missing");
    }

    @Test
    void anEmptyConfigHasAnEmptyIntactLog() {
        Run r = airlock("log", "--config", config.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(airlock("log", "--verify", "--config", config.toString()).out()).contains("intact: 0 record(s)");
    }

    @Test
    void followPrintsNewRecordsAcrossRotation() throws Exception {
        sample();
        StringWriter out = new StringWriter();
        var cl = Airlock.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(new StringWriter()));
        Thread t = Thread.ofPlatform().start(() -> cl.execute("log", "--follow", "--config", config.toString()));
        try {
            waitFor(out, "git commit");
            try (AuditLog log = AuditLog.open(new ConfigDirectory(config).auditDir(), 1_000, 3)) {
                for (int i = 0; i < 10; i++) {
                    log.append(new AuditRecord("default", Instant.now())
                            .request("git", List.of("status", "n" + i), "/work", "", false).allowed().exit(0, 0, 0, 0));
                    waitFor(out, "git status n" + i + " ");
                }
            }
            assertThat(out.toString().lines().filter(l -> l.contains("git status")).count()).isEqualTo(10);
        } finally {
            t.interrupt();
            t.join(5_000);
        }
        assertThat(t.isAlive()).isFalse();
    }

    static void waitFor(StringWriter out, String text) throws InterruptedException {
        for (int i = 0; i < 200 && !out.toString().contains(text); i++) Thread.sleep(50);
        assertThat(out.toString()).contains(text);
    }
}
