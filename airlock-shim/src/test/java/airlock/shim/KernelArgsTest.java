package airlock.shim;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The byte-level parts of KernelArgs; the whole path runs in install-test's NonAsciiTest (env -i, installed launchers). */
class KernelArgsTest {
    @Test
    void entriesAreNulTerminatedAndEmptyOnesCount() {
        List<byte[]> e = KernelArgs.split("java\0-cp\0x\0\0last".getBytes(StandardCharsets.US_ASCII));
        assertThat(e).extracting(b -> new String(b, StandardCharsets.US_ASCII)).containsExactly("java", "-cp", "x", "", "last");
    }

    @Test
    void validUtf8IsKeptAndAnythingElseIsRefusedNamingWhereItBroke() throws Exception {
        assertThat(KernelArgs.text("café 😀".getBytes(StandardCharsets.UTF_8), "argument 1")).isEqualTo("café 😀");
        assertThatThrownBy(() -> KernelArgs.text(new byte[]{'c', 'a', 'f', (byte) 0xe9}, "argument 2"))
                .hasMessageStartingWith("argument 2 is not UTF-8 text (byte 0xe9 at offset 3)");
        assertThatThrownBy(() -> KernelArgs.text(new byte[]{'a', (byte) 0xed, (byte) 0xa0, (byte) 0x80}, "x"))
                .as("an encoded surrogate is not UTF-8").hasMessageStartingWith("x is not UTF-8 text (byte 0xed at offset 1)");
    }

    @Test
    void theCwdIsTheProcesssOwnAndNoArgumentsAreNoArguments() throws Exception {
        assertThat(KernelArgs.cwd()).isEqualTo(Path.of("").toAbsolutePath().toString());
        assertThat(KernelArgs.args(new String[0])).isEmpty();
        assertThat(KernelArgs.environment()).containsEntry("PATH", System.getenv("PATH"));
    }
}
