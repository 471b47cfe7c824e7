package airlock.daemon.gate;

import airlock.daemon.checks.ToolCheck;
import airlock.daemon.checks.aws.AwsCheck;
import airlock.daemon.checks.docker.DockerCheck;
import airlock.daemon.checks.gh.GhCheck;
import airlock.daemon.checks.git.GitCheck;
import airlock.daemon.checks.kubectl.KubectlCheck;
import airlock.daemon.checks.ssh.SshCheck;
import airlock.daemon.checks.terraform.TerraformCheck;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The named checks a module may select with {@code [checks] use}. A module naming one not here
 * fails to load ({@link #names()} is handed to the module loader), so a typo never means "no check".
 */
public record ToolChecks(Map<String, ToolCheck> byName) {
    public ToolChecks {
        byName = Map.copyOf(byName);
    }

    /** Every check airlock ships. */
    public static ToolChecks builtin() {
        Map<String, ToolCheck> m = new TreeMap<>();
        for (ToolCheck c : List.of(new GitCheck(), new SshCheck(), new TerraformCheck(), new KubectlCheck(),
                new GhCheck(), new AwsCheck(), new DockerCheck())) {
            m.put(c.name(), c);
        }
        return new ToolChecks(m);
    }

    public Set<String> names() {
        return byName.keySet();
    }

    public Optional<ToolCheck> named(String name) {
        return Optional.ofNullable(byName.get(name));
    }
}
