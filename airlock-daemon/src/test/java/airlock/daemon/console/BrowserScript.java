package airlock.daemon.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs one Playwright script (src/test/console/*.mjs) in node against Debian's chromium and
 * talks with it line by line: the script prints {@code STEP name}, the test acts and answers.
 * Skips (with what is missing) when chromium, node or playwright-core is not there.
 */
final class BrowserScript implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path SCRIPTS = Path.of("src/test/console").toAbsolutePath();
    /**
     * Where the pages' screenshots go: target/ for an ordinary run, so the suite leaves the checkout
     * as it found it (scripts/reproducible.sh --once compares a clean build with it after the
     * suite); the README's pictures are renewed on purpose with
     * {@code -Dairlock.screenshots=$PWD/docs/console} (docs/console.md), and looked at before they
     * are committed.
     */
    static final Path SHOTS = Path.of(System.getProperty("airlock.screenshots", "target/console-screenshots")).toAbsolutePath().normalize();

    private final Process node;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final List<String> transcript = new ArrayList<>();

    static void assumeAvailable() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM),
                "browser tests skipped: no " + CHROMIUM + " (apt-get install -y chromium)");
        Assumptions.assumeTrue(onPath("node") && onPath("npm"), "browser tests skipped: no node/npm on PATH (apt-get install -y nodejs npm)");
        if (!Files.isDirectory(SCRIPTS.resolve("node_modules/playwright-core"))) {
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(SCRIPTS.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            boolean done = npm.waitFor(5, TimeUnit.MINUTES);
            Assumptions.assumeTrue(done && npm.exitValue() == 0 && Files.isDirectory(SCRIPTS.resolve("node_modules/playwright-core")),
                    "browser tests skipped: playwright-core is not installed and 'npm ci' in " + SCRIPTS + " failed "
                            + "(run it there with PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1)");
        }
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) return true;
        }
        return false;
    }

    BrowserScript(String script, Path tmp, Map<String, Object> config) throws IOException {
        Files.createDirectories(SHOTS);
        var c = new java.util.LinkedHashMap<String, Object>(config);
        c.put("shots", SHOTS.toString());
        c.put("chromium", CHROMIUM.toString());
        Path json = tmp.resolve(script + ".json");
        Files.writeString(json, new ObjectMapper().writeValueAsString(c));
        ProcessBuilder pb = new ProcessBuilder("node", SCRIPTS.resolve(script).toString(), json.toString())
                .directory(SCRIPTS.toFile()).redirectErrorStream(true);
        pb.environment().put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        node = pb.start();
        Thread.ofPlatform().daemon(true).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    synchronized (transcript) {
                        transcript.add(l);
                    }
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // node ended
            }
            lines.add("EOF");
        });
    }

    /** Waits for {@code STEP name} (or DONE/FAIL); fails the test with the transcript otherwise. */
    void awaitStep(String name) throws Exception {
        String want = "STEP " + name;
        while (true) {
            String l = lines.poll(3, TimeUnit.MINUTES);
            if (l == null || l.equals("EOF") || l.startsWith("FAIL") || l.equals("DONE")) {
                throw new AssertionError("the browser script did not reach " + want + ":\n" + transcript());
            }
            if (l.equals(want)) return;
        }
    }

    /** Waits for {@code STEP name VALUE} and returns VALUE (what the page showed, e.g. a key shown once). */
    String awaitStepWith(String name) throws Exception {
        String want = "STEP " + name + " ";
        while (true) {
            String l = lines.poll(3, TimeUnit.MINUTES);
            if (l == null || l.equals("EOF") || l.startsWith("FAIL") || l.equals("DONE")) {
                throw new AssertionError("the browser script did not reach " + want + ":\n" + transcript());
            }
            if (l.startsWith(want)) return l.substring(want.length());
        }
    }

    void answer(String line) throws IOException {
        OutputStream in = node.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Waits for the script to end; true when it printed DONE and exited 0. */
    boolean finish() throws Exception {
        if (!node.waitFor(3, TimeUnit.MINUTES)) {
            node.destroyForcibly();
            return false;
        }
        Thread.sleep(100);
        return node.exitValue() == 0 && transcript().contains("\nDONE");
    }

    String transcript() {
        synchronized (transcript) {
            return "\n" + String.join("\n", transcript);
        }
    }

    @Override
    public void close() {
        node.destroyForcibly();
    }
}
