package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.Git;
import airlock.daemon.ShimRunner;
import airlock.e2e.Workbench;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 26 on a real daemon and real git through the real shim: a day of ordinary traffic
 * (status, log, diff, add, commit, push to a bare remote, a refused -c, a refused config
 * --global), then (a) a candidate that denies push replays with exactly the pushes newly refused,
 * (b) the same candidate as [shadow] marks the live pushes in the log while they still run, and a
 * broken candidate stops shadowing while the live policy serves, (c) suggest's module allows
 * every recorded allowed request and refuses push --force, -c and config --global.
 */
class PolicyChangeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path tmp;
    Workbench bench;
    Cli cli;

    @BeforeEach
    void start() throws Exception {
        bench = new Workbench(tmp.resolve("bench")).start();
        cli = new Cli(tmp);
    }

    @AfterEach
    void stop() {
        if (bench.daemon != null) bench.daemon.close();
    }

    private ShimRunner.Result git(String... args) throws Exception {
        return ShimRunner.run(bench.socket("agent"), bench.repo, "git", List.of(args));
    }

    private Cli.Result airlock(String verb, String... args) {
        List<String> all = new ArrayList<>(List.of(verb.split(" ")));
        all.addAll(List.of(args));
        all.add("--config");
        all.add(bench.config.toString());
        return cli.raw(all.toArray(String[]::new));
    }

    /** The day's traffic; returns how many pushes ran. */
    private int ordinaryDay() throws Exception {
        assertThat(git("status").exit()).isZero();
        assertThat(git("log", "--oneline").exit()).isZero();
        int pushes = 0;
        for (String name : List.of("a.txt", "b.txt", "c.txt")) {
            Files.writeString(bench.repo.resolve(name), name + "\n");
            assertThat(git("diff").exit()).isZero();
            assertThat(git("add", name).exit()).isZero();
            var commit = git("commit", "-m", "add " + name);
            assertThat(commit.exit()).as(commit.err()).isZero();
            var push = git("push", "origin", "main");
            assertThat(push.exit()).as(push.err()).isZero();
            pushes++;
        }
        assertThat(git("log", "-n", "2").exit()).isZero();
        var c = git("-c", "core.pager=cat", "status");
        assertThat(c.exit()).isEqualTo(126);
        assertThat(c.err()).contains("refused by the module layer");
        var global = git("config", "--global", "user.email", "x@example.invalid");
        assertThat(global.exit()).isEqualTo(126);
        assertThat(global.err()).contains("rule \"config & --global\"");
        return pushes;
    }

    /** A copy of the live configuration (config.toml, profiles, commands) to change. */
    private Path candidate(String name) throws Exception {
        Path c = Files.createDirectories(tmp.resolve(name));
        Files.copy(bench.config.resolve("config.toml"), c.resolve("config.toml"));
        for (String sub : List.of("profiles", "commands")) {
            Files.createDirectories(c.resolve(sub));
            try (Stream<Path> s = Files.list(bench.config.resolve(sub))) {
                for (Path p : s.filter(Files::isRegularFile).toList()) Files.copy(p, c.resolve(sub).resolve(p.getFileName()));
            }
        }
        return c;
    }

    /** The candidate of (a) and (b): the built-in git module with "push" denied too. */
    private Path denyingPush() throws Exception {
        Path c = candidate("no-push");
        String builtin = ConfigDirectory.BuiltinModules.text("git").orElseThrow();
        Files.writeString(c.resolve("commands/git.toml"), builtin.replaceFirst("\\[deny\\]\nargs = \\[\n", "[deny]\nargs = [\n  \"push\",\n"));
        return c;
    }

    private List<JsonNode> records() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(new ConfigDirectory(bench.config).auditDir().resolve("audit.ndjson"), StandardCharsets.UTF_8)) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    private void shadow(Path candidate) throws Exception {
        Path cfg = bench.config.resolve("config.toml");
        String text = Files.readString(cfg).replaceAll("(?s)\n\\[shadow\\].*", "");
        Files.writeString(cfg, text + "\n[shadow]\nconfig = \"" + candidate + "\"\n");
        assertThat(bench.daemon.reloader().reload()).isTrue();
    }

    @Test
    void aCandidateThatDeniesPushReplaysWithExactlyThePushesNewlyRefused() throws Exception {
        int pushes = ordinaryDay();
        Path c = denyingPush();

        var r = airlock("test", "--replay", "--candidate", c.toString());
        assertThat(r.exit()).as(r.all()).isEqualTo(1);
        List<String> refused = r.out().lines().filter(l -> l.startsWith("newly refused")).toList();
        assertThat(refused).hasSize(pushes).allSatisfy(l -> assertThat(l)
                .startsWith("newly refused  agent  git push origin main  [module rule push]"));
        assertThat(r.out().lines().filter(l -> l.startsWith("newly allowed"))).isEmpty();
        assertThat(r.out()).contains("judge it as it is now");
        // status, log x2, diff x3, add x3, commit x3, push x3, and the two refusals
        int total = 2 + 3 * 4 + 1 + 2;
        assertThat(r.out().lines().toList().getLast())
                .isEqualTo("replay: " + total + " requests, " + pushes + " newly refused, 0 newly allowed, " + (total - pushes) + " unchanged");

        var one = airlock("test", "--replay", "--candidate", c.toString(), "--profile", "narrow");
        assertThat(one.exit()).as(one.all()).isZero();
        assertThat(one.out()).endsWith("replay: 0 requests, 0 newly refused, 0 newly allowed, 0 unchanged\n");

        // the live configuration as the candidate: nothing changes
        var same = airlock("test", "--replay", "--candidate", bench.config.toString(), "--since", "1h");
        assertThat(same.exit()).as(same.all()).isZero();
        assertThat(same.out()).contains("replay: " + total + " requests, 0 newly refused, 0 newly allowed, " + total + " unchanged");
    }

    @Test
    void theCandidateAsShadowMarksLivePushesWhileTheyRun() throws Exception {
        ordinaryDay();
        shadow(denyingPush());
        Files.writeString(bench.repo.resolve("d.txt"), "d\n");
        assertThat(git("add", "d.txt").exit()).isZero();
        assertThat(git("commit", "-m", "add d").exit()).isZero();
        var push = git("push", "origin", "main");
        assertThat(push.exit()).as("the live policy decides: the push runs").isZero();
        assertThat(push.err()).contains("main -> main");
        assertThat(Git.run(bench.remote, "rev-parse", "main").out()).isEqualTo(Git.run(bench.repo, "rev-parse", "HEAD").out());
        assertThat(git("status").exit()).isZero();

        JsonNode pushed = records().stream().filter(n -> n.path("args").toString().equals("[\"push\",\"origin\",\"main\"]")).toList().getLast();
        assertThat(pushed.path("verdict").asText()).isEqualTo("allowed");
        assertThat(pushed.path("shadow").toString()).isEqualTo("{\"verdict\":\"refused\",\"layer\":\"module\",\"rule\":\"push\"}");
        assertThat(records().stream().filter(n -> n.has("shadow")).count()).as("only where the verdicts differ").isEqualTo(1);

        var shown = airlock("log", "--shadow");
        assertThat(shown.exit()).isZero();
        assertThat(shown.out().lines().toList()).singleElement().satisfies(l -> assertThat(l)
                .contains("  agent  allowed  git push origin main  exit 0").endsWith("shadow: would be refused [module rule push]"));
        // the old records without the field and the new one with it: one intact chain
        var verify = airlock("log", "--verify");
        assertThat(verify.exit()).as(verify.all()).isZero();
    }

    @Test
    void aBrokenCandidateIsReportedAndShadowingStopsWhileTheLivePolicyServes() throws Exception {
        Path c = denyingPush();
        shadow(c);
        Files.writeString(c.resolve("commands/git.toml"), "[command]\nbin = \"git\"\n[deny]\narg = [\"push\"]\n");
        assertThat(bench.daemon.reloader().reload()).as("the live configuration still loads and applies").isTrue();
        assertThat(bench.log.toString(StandardCharsets.UTF_8)).contains("airlock: shadow: the candidate " + c + " does not load, so"
                + " shadowing stops (the live configuration is untouched): " + c.resolve("commands/git.toml") + ":4: key 'deny.arg'");
        JsonNode failed = records().stream().filter(n -> n.path("type").asText().equals("shadow-failed")).toList().getLast();
        assertThat(failed.path("detail").asText()).contains("git.toml:4: key 'deny.arg': unknown key");

        Files.writeString(bench.repo.resolve("e.txt"), "e\n");
        assertThat(git("add", "e.txt").exit()).isZero();
        assertThat(git("commit", "-m", "add e").exit()).isZero();
        var push = git("push", "origin", "main");
        assertThat(push.exit()).as(push.err()).isZero();
        assertThat(records().stream().filter(n -> n.has("shadow")).toList()).as("shadowing stopped").isEmpty();
        assertThat(airlock("log", "--shadow").out()).isEmpty();

        var replay = airlock("test", "--replay", "--candidate", c.toString());
        assertThat(replay.exit()).isEqualTo(2);
        assertThat(replay.err()).contains("airlock: the candidate does not load: " + c.resolve("commands/git.toml") + ":4: key 'deny.arg'");
    }

    @Test
    void suggestAllowsEveryRecordedRequestAndRefusesForcePushConfigAndDashC() throws Exception {
        ordinaryDay();
        var s = airlock("suggest agent", "--command", "git");
        assertThat(s.exit()).as(s.all()).isZero();
        String module = s.out();
        assertThat(module.lines().filter(l -> l.strip().equals("[deny]"))).isEmpty();
        assertThat(module).contains("\n[allow]\n").contains("[checks]\n").contains("GIT_CONFIG_COUNT")
                .contains("{ match = \"push origin main\", only_flags = [] }")
                .contains("{ match = \"commit\", only_flags = [\"-m\"] }")
                .contains("{ match = \"add\", only_flags = [] }") // a.txt, b.txt, c.txt: three different files
                .contains("# checked against the log: 15 of 15 allowed request(s) allowed");
        assertThat(module.lines().filter(l -> l.contains("match = \"*\"") || l.contains("=*\"")).toList()).as("never * alone").isEmpty();

        Path c = candidate("suggested");
        Files.writeString(c.resolve("commands/git.toml"), module);
        var check = cli.raw("check", "--config", c.toString());
        assertThat(check.exit()).as(check.all()).isZero();
        var replay = airlock("test", "--replay", "--candidate", c.toString());
        assertThat(replay.exit()).as(replay.all()).isZero();
        assertThat(replay.out()).contains(", 0 newly refused, 0 newly allowed, ");

        for (List<String> refused : List.of(List.of("push", "--force"), List.of("push", "--force", "origin", "main"),
                List.of("-c", "x=y", "status"), List.of("config", "--global", "user.email", "a@b.invalid"), List.of("config", "--global"))) {
            List<String> args = new ArrayList<>(List.of("test", "--no-daemon", "--cwd", bench.repo.toString(), "--config", c.toString(), "agent", "git"));
            args.addAll(refused);
            var t = cli.raw(args.toArray(String[]::new));
            assertThat(t.exit()).as("%s: %s", refused, t.all()).isEqualTo(1);
            assertThat(t.out()).as("%s", refused).contains("verdict: airlock: refused by the module layer");
        }
        var status = cli.raw("test", "--no-daemon", "--cwd", bench.repo.toString(), "--config", c.toString(), "agent", "git", "status");
        assertThat(status.exit()).as(status.all()).isZero();
        // nothing was written: the live configuration has no commands/git.toml
        assertThat(bench.config.resolve("commands/git.toml")).doesNotExist();
    }
}
