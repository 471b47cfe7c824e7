package airlock.cli;

import airlock.daemon.ShimRunner;
import airlock.daemon.core.Visible;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 22.5: text an agent chose reaches a person's terminal with nothing hidden in it. The agent
 * asks for a slot through the real shim with bidi controls and zero-width characters in its
 * description; {@code airlock secret list} (table and JSON) and the agent's own {@code airlock
 * secrets} show each as an escape.
 */
class AgentTextToAPersonTest {
    /** "invoice " + RLO + "fdp.exe" (shown reversed: "exe.pdf"), the isolates, the marks, a zero-width space, a tag. */
    static final String DESCRIPTION = "invoice \u202Efdp.exe\u202C and \u2066x\u2067y\u2068z\u2069 \u200E\u200F\u061C"
            + " \u202A\u202B\u202D zero\u200Bwidth \uDB40\uDC41 caf\u00e9 \u65e5\u672c \u0627\u0644";

    @TempDir
    Path tmp;

    @Test
    void bidiControlsInADescriptionAreEscapedInSecretList() throws Exception {
        try (LifecycleWorld w = new LifecycleWorld(tmp, "", "")) {
            // the daemon's own vault slots (not the world's file double): what airlock secret list reads
            w.daemon = airlock.daemon.Daemon.start(new airlock.daemon.ConfigDirectory(w.config), Map.of("PATH", "/usr/bin:/bin"),
                    new java.io.PrintStream(w.log, true, java.nio.charset.StandardCharsets.UTF_8));
            ShimRunner.Result req = w.runShim("airlock", Map.of(), "secrets", "request", "INVOICE_TOKEN", "--description", DESCRIPTION);
            assertThat(req.exit()).as(req.err()).isZero();

            Cli.Result list = w.cli.run("secret list");
            assertThat(list.exit()).as(list.err()).isZero();
            assertThat(list.out()).contains("INVOICE_TOKEN")
                    .contains("invoice \\u202efdp.exe\\u202c and \\u2066x\\u2067y\\u2068z\\u2069 \\u200e\\u200f\\u061c \\u202a\\u202b\\u202d")
                    .contains("zero\\u200bwidth \\U000e0041")
                    .contains("caf\u00e9 \u65e5\u672c \u0627\u0644"); // letters of any script pass as they are
            assertNothingHidden(list.out());

            Cli.Result json = w.cli.run("secret list", "--json");
            assertThat(json.exit()).as(json.err()).isZero();
            assertNothingHidden(json.out());
            JsonNode parsed = new ObjectMapper().readTree(json.out());
            // JSON's own escapes: a program reading it gets the description exactly as the agent wrote it
            assertThat(parsed.get(0).path("description").asText()).isEqualTo(DESCRIPTION);

            ShimRunner.Result agentView = w.runShim("airlock", Map.of(), "secrets");
            assertThat(agentView.out()).contains("\\u202efdp.exe");
            assertNothingHidden(agentView.out());
        }
    }

    static void assertNothingHidden(String text) {
        assertThat(text.codePoints().filter(c -> c != '\n' && Visible.hidden(c)).mapToObj(Integer::toHexString).toList())
                .as("hidden code points in:\n" + text).isEmpty();
    }
}
