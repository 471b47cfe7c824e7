package airlock.shim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image recipe's training run (docs/deploy/agent-jvm.Dockerfile), with the recipe's flags: it
 * must answer every call itself and end (a hang would stall an image build). Without
 * -XX:AOTCacheOutput here: the JVM refuses to record a class path with directories in it.
 */
class AotTrainingTest {
    @Test
    void theSelfContainedTrainingAnswersEveryCallAndEnds(@TempDir Path dir) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xint", "-XX:+UseSerialGC", "-XX:-UsePerfData",
                "-cp", System.getProperty("java.class.path"), "airlock.shim.AotTraining", "--self-contained")
                .directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(dir.resolve("stderr").toFile())
                .start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("training ended").isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(java.nio.file.Files.readString(dir.resolve("stderr"))).contains("training");
        // the refused call's message reached the shim's stderr: the stand-in answered it
        assertThat(java.nio.file.Files.readString(dir.resolve("stderr"))).contains("'kubectl' is not enabled");
    }
}
