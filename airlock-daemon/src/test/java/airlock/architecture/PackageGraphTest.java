package airlock.architecture;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The daemon's packages read bottom-up: the JDK's jdeps lists every package dependency of the
 * compiled classes, and no set of packages may depend on each other in a cycle (issue 11).
 */
class PackageGraphTest {
    private static final Path CLASSES = Path.of("target/classes");

    @Test
    void theDaemonsPackagesHaveNoCycle() {
        Map<String, Set<String>> graph = graph();
        assertThat(graph).containsKeys("airlock.daemon", "airlock.daemon.core", "airlock.daemon.gate",
                "airlock.daemon.checks", "airlock.daemon.checks.git", "airlock.cli");
        List<List<String>> cycles = cycles(graph);
        assertThat(cycles).as("package cycles (each a strongly connected set)").isEmpty();
    }

    @Test
    void theSharedValuesDependOnNothingOfTheDaemon() {
        Map<String, Set<String>> graph = graph();
        assertThat(graph.get("airlock.daemon.core")).allSatisfy(p -> assertThat(p).doesNotStartWith("airlock.daemon").doesNotStartWith("airlock.cli"));
        // checks see the plan and each other, never the session, the gate or the CLI
        graph.forEach((from, to) -> {
            if (from.startsWith("airlock.daemon.checks")) {
                assertThat(to).as(from).noneMatch(p -> p.equals("airlock.daemon") || p.startsWith("airlock.daemon.gate")
                        || p.startsWith("airlock.cli") || p.startsWith("airlock.daemon.audit") || p.startsWith("airlock.daemon.hooks"));
            }
        });
    }

    /**
     * Issue 23: the request path does not know its transport. Only the unix listener renders the
     * pipeline's values as frames (and the CLI, which is a client of the same wire); the pipeline,
     * the runner and the Gate never reach up into a listener or into the daemon's wiring.
     */
    @Test
    void onlyTheUnixListenerAndTheCliSpeakFrames() {
        Set<String> frames = Set.of("airlock.protocol.Frame", "airlock.protocol.FrameReader", "airlock.protocol.FrameWriter",
                "airlock.protocol.FrameType");
        Map<String, Set<String>> classes = graph("-verbose:class");
        assertThat(classes).containsKey("airlock.daemon.listen.unix.UnixCall");
        classes.forEach((from, to) -> {
            String pkg = from.substring(0, from.lastIndexOf('.'));
            if (pkg.equals("airlock.daemon.listen.unix") || pkg.startsWith("airlock.cli")) return;
            assertThat(to).as(from + " uses a frame class").doesNotContainAnyElementsOf(frames);
        });
    }

    @Test
    void thePipelineTheRunnerAndTheGateNeverImportAListenerOrTheDaemon() {
        Map<String, Set<String>> graph = graph();
        assertThat(graph).containsKeys("airlock.daemon.pipeline", "airlock.daemon.listen.unix");
        for (String below : List.of("airlock.daemon.pipeline", "airlock.daemon.gate", "airlock.daemon.sandbox", "airlock.daemon.hooks",
                "airlock.daemon.vault", "airlock.daemon.redact", "airlock.daemon.audit", "airlock.daemon.approval", "airlock.daemon.runs")) {
            assertThat(graph.getOrDefault(below, Set.of())).as(below)
                    .noneMatch(p -> p.startsWith("airlock.daemon.listen") || p.equals("airlock.daemon") || p.startsWith("airlock.cli")
                            || p.startsWith("airlock.daemon.console"));
        }
    }

    /**
     * Issue 23.4: the console sees the running daemon only through its read-only view
     * ({@code DaemonView}) and does what the host may do only through the one table of host
     * operations ({@code airlock.daemon.host}); it never reaches into {@code Daemon}, the approvals
     * queue or the pending-answer primitive, and it holds the vault only as {@code HostSecrets}.
     */
    @Test
    void theConsoleSeesTheDaemonOnlyThroughItsViewAndTheHostOperations() {
        Map<String, Set<String>> uses = classGraph("airlock\\.daemon\\.console\\..*");
        assertThat(uses).isNotEmpty();
        Set<String> used = new TreeSet<>();
        uses.values().forEach(used::addAll);
        assertThat(used).as("classes of airlock.daemon the console uses")
                .filteredOn(c -> c.startsWith("airlock.daemon.") && c.indexOf('.', "airlock.daemon.".length()) < 0)
                .allMatch(c -> c.equals("airlock.daemon.DaemonView") || c.startsWith("airlock.daemon.ConfigDirectory"))
                .doesNotContain("airlock.daemon.Daemon");
        uses.forEach((from, to) -> assertThat(to).as(from).noneMatch(c -> c.equals("airlock.daemon.Daemon")
                || c.startsWith("airlock.daemon.Daemon$") || c.startsWith("airlock.daemon.approval.")
                || c.startsWith("airlock.daemon.pending.") || c.equals("airlock.daemon.vault.Vault")));
    }

    /** Class -> the airlock classes it uses, for the classes matching {@code include}, from jdeps. */
    static Map<String, Set<String>> classGraph(String include) {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int status = jdeps.run(new PrintWriter(out), new PrintWriter(new StringWriter()),
                "-verbose:class", "-filter:none", "-include", include, CLASSES.toString());
        assertThat(status).as(out.toString()).isZero();
        Map<String, Set<String>> graph = new TreeMap<>();
        for (String line : out.toString().lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 3 || !f[1].equals("->") || !f[0].startsWith("airlock.") || !f[2].startsWith("airlock.")) continue;
            graph.computeIfAbsent(f[0], k -> new TreeSet<>()).add(f[2]);
        }
        return graph;
    }

    /** Package -> the airlock packages it uses (itself left out), from jdeps. */
    static Map<String, Set<String>> graph() {
        return graph("-verbose:package");
    }

    /** Package (or class, with -verbose:class) -> the airlock ones it uses (itself left out), from jdeps. */
    static Map<String, Set<String>> graph(String verbose) {
        assertThat(Files.isDirectory(CLASSES)).as("compiled classes in " + CLASSES.toAbsolutePath()).isTrue();
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int status = jdeps.run(new PrintWriter(out), new PrintWriter(new StringWriter()),
                verbose, "-filter:none", "-e", "airlock\\..*", CLASSES.toString());
        assertThat(status).as(out.toString()).isZero();
        Map<String, Set<String>> graph = new TreeMap<>();
        for (String line : out.toString().lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 3 || !f[1].equals("->") || !f[0].startsWith("airlock.") || !f[2].startsWith("airlock.")) continue;
            graph.computeIfAbsent(f[0], k -> new TreeSet<>());
            if (!f[0].equals(f[2])) graph.get(f[0]).add(f[2]);
        }
        return graph;
    }

    /** Tarjan's strongly connected components of more than one package. */
    static List<List<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<List<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String v : graph.keySet()) {
            if (!index.containsKey(v)) connect(v, graph, index, low, stack, onStack, out, counter);
        }
        return out;
    }

    private static void connect(String v, Map<String, Set<String>> graph, Map<String, Integer> index, Map<String, Integer> low,
                                Deque<String> stack, Set<String> onStack, List<List<String>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, graph, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> component = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) out.add(component);
        }
    }
}
