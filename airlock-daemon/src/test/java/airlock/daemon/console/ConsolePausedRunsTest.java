package airlock.daemon.console;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.Daemon;
import airlock.daemon.ShimRunner;
import airlock.daemon.sandbox.Bubblewrap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Issue 25: the console's Activity shows the runs paused for their agent's answer, from the live daemon, and not their prompts. */
class ConsolePausedRunsTest {
    @TempDir Path tmp;

    @Test
    void activityListsPausedRunsUntilTheyAreAnswered() throws Exception {
        assumeTrue(Bubblewrap.probe("/usr/bin:/bin") instanceof Bubblewrap.Availability.Ready, "bubblewrap unavailable");
        Path config = tmp.toRealPath().resolve("config");
        Path work = Files.createDirectories(tmp.toRealPath().resolve("work"));
        Files.createDirectories(config.resolve("profiles"));
        Files.writeString(config.resolve("config.toml"), "[commands]\nenable = [\"python3\"]\n");
        Files.writeString(config.resolve("profiles/agent.toml"), "commands = []\n[mounts]\n\"" + work + "\" = \"" + work + "\"\n");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PATH", "/usr/bin:/bin:/usr/sbin:/sbin");
        try (Daemon d = Daemon.start(new ConfigDirectory(config), env, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            ConsoleBackend b = LiveBackend.of(d, (p, prof, c, a, cwd) -> new Modules.Trace(List.of(), false, "not used"));
            assertThat(ActivityPage.paused(b.activity().paused())).isEmpty();
            Files.writeString(work.resolve("ask.py"), "from airlock import llm\nprint(llm.complete('the secret question'))\n");
            var r = ShimRunner.run(ShimRunner.builder(d.directory().socketOf("agent"), work, "python3", List.of("ask.py"), Map.of()), new byte[0]);
            assertThat(r.exit()).as(r.err()).isEqualTo(75);
            var paused = b.activity().paused();
            assertThat(paused).hasSize(1);
            String id = paused.getFirst().id();
            String html = ActivityPage.paused(paused);
            assertThat(html).contains("Paused runs", id, "agent", "python3 ask.py").doesNotContain("secret question");
            // the pause is in the log the page lists, by size only
            assertThat(b.activity().recent(20)).anySatisfy(e -> assertThat(e.type() + " " + e.json().path("detail").asText())
                    .contains("pause-asked").contains("run " + id).contains("prompt 19 bytes"));

            var answered = ShimRunner.run(ShimRunner.builder(d.directory().socketOf("agent"), work, "airlock", List.of("respond", id), Map.of()),
                    "42".getBytes(StandardCharsets.UTF_8));
            assertThat(answered.out()).as(answered.err()).isEqualTo("42\n");
            assertThat(b.activity().paused()).isEmpty();
        }
    }
}
