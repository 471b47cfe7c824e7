package airlock.cli;

import airlock.daemon.ConfigDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The real main(): its own JVM, its own stdout and stderr, its exit status. */
class ProcessTest {
    @TempDir Path tmp;

    record Run(int exit, String out, String err) {}

    Run airlock(String... args) throws Exception {
        List<String> cmd = AirlockProcess.command(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("HOME", tmp.resolve("home").toString());
        pb.environment().put("XDG_CONFIG_HOME", tmp.resolve("home/.config").toString());
        Process p = pb.start();
        p.getOutputStream().close();
        byte[][] got = new byte[2][];
        Thread o = Thread.ofVirtual().start(() -> got[0] = read(p.getInputStream()));
        Thread e = Thread.ofVirtual().start(() -> got[1] = read(p.getErrorStream()));
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        o.join();
        e.join();
        return new Run(p.exitValue(), new String(got[0], StandardCharsets.UTF_8), new String(got[1], StandardCharsets.UTF_8));
    }

    static byte[] read(java.io.InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (java.io.IOException ex) {
            return new byte[0];
        }
    }

    @Test
    void initThenCheckThenShowUseTheXdgConfigDirByDefault() throws Exception {
        var init = airlock("init", "--no-service");
        assertThat(init.exit()).as(init.toString()).isZero();
        Path config = tmp.resolve("home/.config/airlock");
        assertThat(init.out()).contains("created   " + config.resolve("config.toml"));

        var check = airlock("check");
        assertThat(check.exit()).as(check.toString()).isZero();
        assertThat(check.out()).startsWith("ok: " + config);

        // print() without a newline at the end must still reach stdout before exit
        var show = airlock("show", "git");
        assertThat(show.exit()).isZero();
        assertThat(show.out()).endsWith(ConfigDirectory.BuiltinModules.text("git").orElseThrow());
    }

    @Test
    void errorsGoToStderrWithAirlockAndANonZeroStatus() throws Exception {
        var check = airlock("check", "--config", tmp.resolve("missing").toString());
        assertThat(check.exit()).isEqualTo(1);
        assertThat(check.out()).contains(tmp.resolve("missing") + ": no such config directory");
        assertThat(check.err()).isEqualTo("airlock: 1 problem in " + tmp.resolve("missing") + "\n");

        var usage = airlock("eject");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).startsWith("airlock: Missing required parameter");
        assertThat(usage.out()).isEmpty();
    }
}
