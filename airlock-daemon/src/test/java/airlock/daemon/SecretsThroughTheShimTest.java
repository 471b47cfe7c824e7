package airlock.daemon;

import airlock.daemon.redact.SecretForms;
import airlock.daemon.vault.Vault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14 end to end: a secret set in the vault, granted to one command of a profile, injected
 * for one run (as a variable and as a file), redacted from both streams the real shim prints in
 * every form and at every split, counted in the audit record, and found nowhere else.
 */
class SecretsThroughTheShimTest {
    static final String VALUE = "tok_ShimCanary_9f3c1d\"/+%";
    static final String MARK = "[airlock:redacted api_token]";

    @TempDir Path tmp;
    Daemon daemon;
    final ByteArrayOutputStream daemonLog = new ByteArrayOutputStream();

    @AfterEach
    void stop() {
        if (daemon != null) daemon.close();
    }

    private Path config;
    private Path work;

    private void start(String tool) throws Exception {
        start(tool, java.time.Duration.ofNanos(airlock.daemon.redact.RedactedOutput.HOLD_NANOS));
    }

    private void start(String tool, java.time.Duration hold) throws Exception {
        config = tmp.resolve("config");
        work = Files.createDirectories(tmp.resolve("work")).toRealPath();
        Files.createDirectories(config.resolve("profiles"));
        Files.createDirectories(config.resolve("commands"));
        Path bin = tmp.resolve("printer");
        Files.writeString(bin, tool);
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"printer\", \"other\"]\n");
        Files.writeString(config.resolve("commands/printer.toml"), "[command]\nbin = \"" + bin + "\"\n[deny]\nargs = []\n"
);
        Files.writeString(config.resolve("commands/other.toml"), "[command]\nbin = \"" + bin + "\"\n[deny]\nargs = []\n");
        Vault.at(new ConfigDirectory(config).vaultDir()).set("api_token", VALUE.getBytes(StandardCharsets.UTF_8), "a test token");
        Files.writeString(config.resolve("profiles/default.toml"), "commands = []\n[secrets.printer]\n"
                + "env = { API_TOKEN = \"api_token\" }\nfiles = { API_TOKEN_FILE = \"api_token\" }\n"
                + "[mounts]\n\"" + work + "\" = \"" + work + "\"\n");
        daemon = Daemon.start(new ConfigDirectory(config), System.getenv(), new PrintStream(daemonLog, true), r -> {},
                new Daemon.Settings(64, java.time.Duration.ofSeconds(10), airlock.daemon.agent.SecretSlots.NONE, hold));
    }

    private ShimRunner.Result shim(String command, String... args) throws Exception {
        return ShimRunner.run(daemon.directory().socketOf("default"), work, command, List.of(args));
    }

    @Test
    void everyFormOnBothStreamsReachesTheAgentAsAMarkerOnly() throws Exception {
        StringBuilder script = new StringBuilder("#!/bin/sh\nprintf '%s\\n' \"$API_TOKEN\"\ncat \"$API_TOKEN_FILE\"; echo\n");
        int lines = 2;
        for (byte[] form : SecretForms.of(VALUE.getBytes(StandardCharsets.UTF_8))) {
            for (int k = 0; k <= form.length; k += 3) {
                for (String fd : List.of("", " >&2")) {
                    // two writes, split at k: the secret crosses frames on its way to the shim
                    script.append("printf '").append(RedactedToolRunTest.octal(form, 0, k)).append("'").append(fd).append('\n');
                    script.append("sleep 0.001\n");
                    script.append("printf '").append(RedactedToolRunTest.octal(form, k, form.length)).append("\\n'").append(fd).append('\n');
                }
                lines++;
            }
        }
        // a long hold: what the agent sees must not depend on whether a loaded test machine stalls
        // the shell past 0.1 s between the two printfs of a form (that documented price is
        // RedactedOutputTest's to show, with its own clock)
        start(script.toString(), java.time.Duration.ofSeconds(10));
        var r = shim("printer");
        String out = new String(r.stdout(), StandardCharsets.UTF_8);
        String err = new String(r.stderr(), StandardCharsets.UTF_8);
        assertThat(r.exit()).as(err).isZero();
        assertThat(out.lines()).hasSize(lines).containsOnly(MARK);
        assertThat(err.lines()).hasSize(lines - 2).containsOnly(MARK);

        // granted to printer only: the other command of the same profile gets nothing
        var other = shim("other");
        assertThat(new String(other.stdout(), StandardCharsets.UTF_8)).startsWith("\n");

        // the audit record names the secret and counts the redactions; no form of the value anywhere
        String audit = Files.readString(new ConfigDirectory(config).auditDir().resolve("audit.ndjson"));
        assertThat(audit).contains("\"secrets\":[\"api_token\"]").contains("\"redactions\":{\"api_token\":" + (2L * lines - 2) + "}");
        assertNowhere(audit + daemonLog + out + err);
        try (Stream<Path> files = Files.walk(tmp)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.toString().contains("/vault/")).toList()) {
                if (f.getFileName().toString().equals("printer")) continue; // the test's own script
                assertNowhere(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        // the run's file is gone with the run
        assertThat(leftoverRunFiles()).isEmpty();
    }

    /**
     * Issue 22, point 2: the tool writes the value's first 12 bytes on stderr, closes stderr, and
     * the rest on stdout. An agent reading 2>&1 (the shim's two streams into one pipe) gets markers
     * only, and the audit counts the redaction.
     */
    @Test
    void aValueSplitBetweenStderrAndStdoutReachesAnAgentReadingBothAsMarkersOnly() throws Exception {
        start("""
                #!/usr/bin/env python3
                import os
                v = os.environ['API_TOKEN'].encode()
                os.write(2, v[:12])
                os.close(2)
                os.write(1, v[12:] + b' done\\n')
                """);
        var r = ShimRunner.run(ShimRunner.builder(daemon.directory().socketOf("default"), work, "printer", List.of(), Map.of())
                .redirectErrorStream(true), new byte[0]);
        String merged = new String(r.stdout(), StandardCharsets.UTF_8);
        assertThat(r.exit()).as(merged).isZero();
        // two pipes have no common order: the stdout part may arrive first, and then its marker and
        // " done" come before stderr's marker (RedactedOutput.joinReversed); either way, markers only
        assertThat(merged).contains(MARK).contains(" done\n").doesNotContain("ShimCana").doesNotContain(VALUE.substring(12));
        String audit = Files.readString(new ConfigDirectory(config).auditDir().resolve("audit.ndjson"));
        assertThat(audit).contains("\"redactions\":{\"api_token\":1}");
        assertNoForm(audit + daemonLog + merged);
    }

    /** Issue 22, point 1: what Python's and Java's encoders print by default for the value, through the shim. */
    @Test
    void theEncodersOwnDefaultsReachTheAgentAsMarkersOnly() throws Exception {
        String urlEncoder = java.net.URLEncoder.encode(VALUE, StandardCharsets.UTF_8);
        start("""
                #!/usr/bin/env python3
                import json, os, sys, urllib.parse
                v = os.environ['API_TOKEN']
                for f in (urllib.parse.quote(v), urllib.parse.quote_plus(v), json.dumps(v)[1:-1],
                          ''.join('\\\\u%04x' % ord(c) for c in v), ''.join('\\\\u%04X' % ord(c) for c in v), sys.argv[1]):
                    print(f, flush=True)
                    print(f, file=sys.stderr, flush=True)
                """);
        var r = shim("printer", urlEncoder);
        String out = new String(r.stdout(), StandardCharsets.UTF_8), err = new String(r.stderr(), StandardCharsets.UTF_8);
        assertThat(r.exit()).as(err).isZero();
        assertThat(out.lines()).hasSize(6).containsOnly(MARK);
        assertThat(err.lines()).hasSize(6).containsOnly(MARK);
        String audit = Files.readString(new ConfigDirectory(config).auditDir().resolve("audit.ndjson"));
        assertThat(audit).contains("\"redactions\":{\"api_token\":12}");
        // the argument the test passed is the URLEncoder form itself: it is in the request, not the output
        assertNoForm(out + err + daemonLog);
    }

    /**
     * Issue 22, point 3, end to end: a granted tool that echoes what the agent sends and stays
     * alive. A prefix of the value shorter than half of it comes back as it was sent (it was held
     * no differently from any text, and the hold ended); half of the value or more comes back
     * masked; ordinary text comes back as it was. Nothing waits for the tool to write more.
     */
    @Test
    void anEchoingToolGivesBackAPrefixAsItGivesBackAnyTextAndMasksHalfTheValue() throws Exception {
        start("""
                #!/usr/bin/env python3
                import sys
                for line in sys.stdin:
                    sys.stdout.write('> ' + line.rstrip('\\n'))
                    sys.stdout.flush()
                """);
        Process p = ShimRunner.builder(daemon.directory().socketOf("default"), work, "printer", List.of(), Map.of()).start();
        try {
            var in = p.getOutputStream();
            var out = p.getInputStream();
            String half = VALUE.substring(0, (VALUE.length() + 1) / 2);
            for (String[] echo : new String[][]{{"tok_Shim", "> tok_Shim"}, {"hello", "> hello"}, {half, "> " + MARK}, {"tok_", "> tok_"}}) {
                in.write((echo[0] + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
                byte[] expect = echo[1].getBytes(StandardCharsets.UTF_8);
                var got = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.readNBytes(expect.length);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                assertThat(new String(got.get(30, java.util.concurrent.TimeUnit.SECONDS), StandardCharsets.UTF_8)).isEqualTo(echo[1]);
            }
            assertThat(p.isAlive()).isTrue();
            in.close();
            assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        String audit = Files.readString(new ConfigDirectory(config).auditDir().resolve("audit.ndjson"));
        assertThat(audit).contains("\"redactions\":{\"api_token\":1}");
        assertNoForm(audit + daemonLog);
    }

    @Test
    void theRunsFileIsGoneWhenTheCallerIsKilled() throws Exception {
        start("#!/bin/sh\ncat \"$API_TOKEN_FILE\" >/dev/null; echo started; sleep 30\n");
        Process p = ShimRunner.builder(daemon.directory().socketOf("default"), work, "printer", List.of(), Map.of()).start();
        assertThat(new String(p.getInputStream().readNBytes(8), StandardCharsets.UTF_8)).isEqualTo("started\n");
        assertThat(leftoverRunFiles()).hasSize(1);
        p.destroyForcibly().waitFor();
        for (int i = 0; i < 100 && !leftoverRunFiles().isEmpty(); i++) Thread.sleep(50);
        assertThat(leftoverRunFiles()).isEmpty();
    }

    @Test
    void aSecretWithNoValueRefusesTheRequestNamingIt() throws Exception {
        start("#!/bin/sh\necho ran\n");
        Vault.at(new ConfigDirectory(config).vaultDir()).remove("api_token");
        Vault.at(new ConfigDirectory(config).vaultDir()).request("api_token", "default", "asked for by the agent");
        var r = shim("printer");
        assertThat(r.exit()).isEqualTo(126);
        assertThat(new String(r.stderr(), StandardCharsets.UTF_8)).startsWith("airlock: vault:").contains("api_token");
        assertThat(new String(r.stdout(), StandardCharsets.UTF_8)).doesNotContain("ran");
    }

    @Test
    void aDamagedSecretIsRefusedByNameWithoutTheHostsVaultPath() throws Exception {
        start("#!/bin/sh\necho ran\n");
        Path entry;
        try (Stream<Path> s = Files.list(new ConfigDirectory(config).vaultDir().resolve("secrets"))) {
            entry = s.filter(p -> p.getFileName().toString().startsWith("api_token")).findFirst().orElseThrow();
        }
        // flip one bit of the sealed value itself: always a change, whatever characters its
        // base64 happens to contain (a text substitution could leave the entry untouched)
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(entry.toFile());
        byte[] sealed = Base64.getDecoder().decode(node.get("sealed").asText());
        sealed[0] ^= 1;
        node.put("sealed", Base64.getEncoder().encodeToString(sealed));
        Files.writeString(entry, mapper.writeValueAsString(node));
        var r = shim("printer");
        String err = new String(r.stderr(), StandardCharsets.UTF_8);
        assertThat(r.exit()).isEqualTo(126);
        assertThat(err).startsWith("airlock: vault:").contains("api_token").doesNotContain(config.toString());
        assertThat(new String(r.stdout(), StandardCharsets.UTF_8)).doesNotContain("ran");
    }

    @Test
    void aSecretRolledBackToItsOwnOlderVersionIsRefusedByTheVaultLayer() throws Exception {
        start("#!/bin/sh\nprintf '%s\\n' \"$API_TOKEN\"\n");
        Path entry = new ConfigDirectory(config).vaultDir().resolve("secrets/api_token.json");
        byte[] first = Files.readAllBytes(entry); // a valid entry: it decrypts under its own name and version
        String newer = "tok_ShimCanary_newer_42";
        Vault.at(new ConfigDirectory(config).vaultDir()).set("api_token", newer.getBytes(StandardCharsets.UTF_8), null);
        assertThat(shim("printer").exit()).isZero();

        Files.write(entry, first);
        var r = shim("printer");
        String err = new String(r.stderr(), StandardCharsets.UTF_8), out = new String(r.stdout(), StandardCharsets.UTF_8);
        assertThat(r.exit()).as(err).isEqualTo(126);
        assertThat(err).startsWith("airlock: vault: secret 'api_token' is at version 1 but the vault's manifest records version 2")
                .contains("rolled back").contains("airlock secret set api_token").doesNotContain(config.toString());
        assertThat(out).isEmpty();
        assertNowhere(out + err + daemonLog);
        // the person's way back
        Vault.at(new ConfigDirectory(config).vaultDir()).set("api_token", newer.getBytes(StandardCharsets.UTF_8), null);
        assertThat(shim("printer").exit()).isZero();
    }

    private List<Path> leftoverRunFiles() throws Exception {
        Path runs = new ConfigDirectory(config).vaultDir().resolve("runs");
        if (!Files.isDirectory(runs)) return List.of();
        try (Stream<Path> s = Files.walk(runs)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    /** Every documented form of the value, and its first and last halves raw, are absent from {@code text}. */
    private static void assertNoForm(String text) {
        for (byte[] form : SecretForms.of(VALUE.getBytes(StandardCharsets.UTF_8))) {
            assertThat(text).doesNotContain(new String(form, StandardCharsets.UTF_8));
        }
        assertThat(text).doesNotContain("ShimCana").doesNotContain(VALUE.substring(VALUE.length() / 2));
        assertNowhere(text);
    }

    private static void assertNowhere(String text) {
        byte[] v = VALUE.getBytes(StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("ShimCanary")
                .doesNotContain(Base64.getEncoder().encodeToString(v).substring(0, 16))
                .doesNotContain(HexFormat.of().formatHex(v).substring(0, 16));
    }
}
