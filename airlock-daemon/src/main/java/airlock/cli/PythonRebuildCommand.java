package airlock.cli;

import airlock.daemon.ConfigDirectory;
import airlock.daemon.core.Executables;
import airlock.daemon.gate.HostEnvironment;
import airlock.daemon.core.Plan;
import airlock.daemon.sandbox.Launch;
import airlock.daemon.sandbox.PythonEnvironments;
import airlock.daemon.sandbox.SandboxLauncher;
import airlock.daemon.sandbox.SandboxUnavailable;
import airlock.rules.CommandModule;
import airlock.rules.ConfigError;
import airlock.rules.Policy;
import airlock.rules.Profile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Makes a profile's Python environment again from nothing: the old one is removed and every kept
 * pip command is run again, in order, by the pip module in its sandbox, as the daemon would.
 */
@Command(name = "rebuild", header = "Make a profile's Python environment again from its kept pip installs.",
        description = {"Remove <config>/python/PROFILE/venv and run every kept 'pip install/uninstall' of the profile again,",
                "in order, in the pip module's sandbox. The list before the rebuild is kept as installs.jsonl.before-rebuild."})
final class PythonRebuildCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;

    @Parameters(paramLabel = "PROFILE", description = "The profile whose environment to rebuild.")
    String profileName;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ConfigDirectory dir = config.directory();
        Policy policy;
        try {
            policy = dir.load();
        } catch (ConfigError e) {
            err.println("airlock: config does not load: " + e.getMessage());
            return 1;
        }
        Profile profile = policy.profiles().get(profileName);
        if (profile == null) {
            err.println("airlock: no profile named '" + profileName + "' (profiles: " + String.join(", ", policy.profiles().keySet()) + ")");
            return 1;
        }
        CommandModule pip = policy.modules().get("pip");
        if (pip == null) {
            err.println("airlock: pip is not enabled in " + dir.configFile() + ", so there is nothing to rebuild with");
            return 1;
        }
        Map<String, String> hostEnv = Airlock.host(spec).env();
        Path python = Executables.find(pip.bin(), hostEnv.get("PATH")).orElse(null);
        if (python == null) {
            err.println("airlock: '" + pip.bin() + "' is not on PATH");
            return 1;
        }
        SandboxLauncher sandbox = SandboxLauncher.of(dir.root().toAbsolutePath());
        PythonEnvironments envs = sandbox.python().orElseThrow();
        List<PythonEnvironments.Install> installs = envs.installs(profileName);
        envs.remove(profileName);
        Path kept = envs.dir(profileName).resolve("installs.jsonl");
        if (Files.exists(kept)) Files.move(kept, kept.resolveSibling("installs.jsonl.before-rebuild"), StandardCopyOption.REPLACE_EXISTING);
        if (installs.isEmpty()) {
            envs.create(profileName, python);
            out.println("airlock: " + envs.venv(profileName) + " made again; no pip installs were kept for profile " + profileName);
            return 0;
        }
        int failed = 0;
        for (PythonEnvironments.Install i : installs) {
            List<String> argv = new ArrayList<>(List.of(python.toString()));
            argv.addAll(i.args());
            Plan plan = new Plan(profile, pip, python, argv, Path.of(i.cwd()), HostEnvironment.build(hostEnv, Map.of(), profile, pip), List.of());
            out.println("airlock: pip " + String.join(" ", i.args()));
            out.flush();
            int status;
            try (Launch launch = sandbox.launch(plan)) {
                ProcessBuilder pb = new ProcessBuilder(launch.argv()).directory(plan.cwd().toFile()).redirectErrorStream(true)
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                pb.environment().clear();
                pb.environment().putAll(plan.env());
                Process p = pb.start();
                copy(p.getInputStream(), out);
                status = p.waitFor();
                launch.finished(status);
            } catch (SandboxUnavailable e) {
                err.println(e.getMessage());
                return 1;
            }
            if (status != 0) {
                failed++;
                err.println("airlock: pip " + String.join(" ", i.args()) + " failed (exit " + status + "); it is no longer kept");
            }
        }
        out.println("airlock: " + envs.venv(profileName) + " rebuilt from " + installs.size() + " kept pip command(s)"
                + (failed > 0 ? ", " + failed + " failed" : ""));
        return failed > 0 ? 1 : 0;
    }

    private static void copy(InputStream in, PrintWriter out) throws IOException {
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.print(new String(buf, 0, n, StandardCharsets.UTF_8));
            out.flush();
        }
    }
}
