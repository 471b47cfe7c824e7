package airlock.rules;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Table-driven: each row is a module, an argument vector (split on spaces) and the expected
 * answer. Every issue-2 "cannot be sidestepped" point has rows here.
 */
class ArgumentRulesTest {

    static final String GIT = """
            [command]
            bin = "git"
            [flags]
            value = ["-C", "-c", "--git-dir", "--work-tree", "--namespace", "--config-env"]
            switches = ["-p", "--no-pager", "--bare", "-v", "--verbose", "-P"]
            paths = ["-C", "--git-dir", "--work-tree", "--exec-path"]
            case_insensitive = ["-c"]
            aliases = { "-u" = "--upload-pack" }
            [deny]
            args = ["--upload-pack", "--receive-pack", "--upload-archive", "--exec-path", "-c=credential.*",
                    "credential", "--config-env", "destroy"]
            """;

    static final String SSH = """
            [command]
            bin = "ssh"
            [flags]
            value = ["-i", "-o", "-L", "-F", "-p", "-l", "-D", "-J", "-b", "-c", "-e", "-m", "-S", "-W", "-w", "-E", "-B", "-I", "-O", "-Q"]
            switches = ["-v", "-q", "-f", "-N", "-T", "-t", "-4", "-6", "-C", "-n"]
            paths = ["-i", "-F", "-S", "-E"]
            case_insensitive = ["-o"]
            [deny]
            args = ["-A", "-R", "-o=ProxyCommand*", "-o=LocalCommand*", "-o=PermitLocalCommand*"]
            """;

    /** Nothing declared: every reading is conservative. */
    static final String BARE = """
            [command]
            bin = "ssh"
            [deny]
            args = ["-A", "--config", "--upload-pack", "-o=ProxyCommand*"]
            """;

    static final String TERRAFORM = """
            [command]
            bin = "terraform"
            [flags]
            single_dash_long = true
            value = ["-chdir", "-var", "-var-file", "-target", "-out"]
            switches = ["-auto-approve", "-input", "-no-color", "-json"]
            [deny]
            args = ["destroy", "apply & -auto-approve", "-lock=false", "state rm"]
            """;

    static final String KUBECTL_ALLOW = """
            [command]
            bin = "kubectl"
            [flags]
            value = ["--namespace", "--context", "-o", "--kubeconfig"]
            switches = ["--all-namespaces", "-A", "-w", "--watch"]
            aliases = { "-n" = "--namespace" }
            paths = ["--kubeconfig"]
            [allow]
            args = ["get", "describe", "config view", "version", "logs & --tail=*"]
            """;

    static final String GIT_ALLOW = """
            [command]
            bin = "git"
            [flags]
            value = ["-C", "-c", "--git-dir"]
            switches = ["-p", "--no-pager"]
            [allow]
            args = ["status", "log", "diff"]
            """;

    static final String AWS = """
            [command]
            bin = "aws"
            [flags]
            value = ["--region", "--output"]
            [deny]
            args = ["configure export-credentials", "configure get", "sts get-session-token"]
            """;

    static final String CONFIG_FLAG = """
            [command]
            bin = "tool"
            [flags]
            value = ["--config"]
            aliases = { "-c" = "--config" }
            [deny]
            args = ["--config=/etc/*"]
            """;

    static final String DOCKER = """
            [command]
            bin = "docker"
            [flags]
            value = ["--cap-add", "-v", "--volume", "--privileged"]
            case_insensitive = ["--cap-add"]
            aliases = { "-v" = "--volume" }
            [deny]
            args = ["--cap-add=all", "--cap-add=sys_admin", "--volume=/*:*", "--privileged"]
            """;

    static Stream<Arguments> table() {
        return Stream.of(
                // every spelling of a flag is the same flag
                arguments("spellings", CONFIG_FLAG, "--config=/etc/x run", false),
                arguments("spellings", CONFIG_FLAG, "--config /etc/x run", false),
                arguments("spellings", CONFIG_FLAG, "-c/etc/x run", false),
                arguments("spellings", CONFIG_FLAG, "-c /etc/x run", false),
                arguments("spellings", CONFIG_FLAG, "--conf=/etc/x run", false),
                arguments("spellings", CONFIG_FLAG, "--config=/home/x run", true),
                arguments("spellings", CONFIG_FLAG, "-c /home/x run", true),
                arguments("spellings", GIT, "fetch --upload-pack=evil origin", false),
                arguments("spellings", GIT, "fetch --upload-pack evil origin", false),
                arguments("spellings", GIT, "fetch -u evil origin", false),
                arguments("spellings", GIT, "fetch -uevil origin", false),
                arguments("spellings", GIT, "fetch origin main", true),
                // bundled short flags, getopt-style
                arguments("bundles", SSH, "-vA host", false),
                arguments("bundles", SSH, "-Av host", false),
                arguments("bundles", SSH, "-qvAT host", false),
                arguments("bundles", SSH, "-fNL 8080:h:80 host", true),
                arguments("bundles", SSH, "-fNR 8080:h:80 host", false),
                arguments("bundles", SSH, "-ikeyA host", true), // -i takes a value: keyA is the key file
                arguments("bundles", SSH, "-i -A host", true),  // getopt gives -A to -i as its value
                arguments("bundles", SSH, "-oProxyCommand=nc host", false),
                arguments("bundles", SSH, "-o ProxyCommand=nc host", false),
                arguments("bundles", SSH, "-vo ProxyCommand=nc host", false),
                arguments("bundles", SSH, "-o proxycommand=nc host", false),
                arguments("bundles", SSH, "-o PROXYCOMMAND=nc host", false),
                arguments("bundles", SSH, "-o ServerAliveInterval=5 host", true),
                arguments("bundles", SSH, "-xA host", false),   // -x not declared: A may be a flag
                arguments("bundles", BARE, "-vAx host", false),  // nothing declared: any bundle holding A
                arguments("bundles", BARE, "-vx host", true),
                arguments("bundles", BARE, "-voProxyCommand=nc host", false),
                arguments("bundles", BARE, "-v -o ProxyCommand=nc host", false),
                // unique-prefix abbreviations of long options
                arguments("abbreviations", GIT, "fetch --upload-pa=evil", false),
                arguments("abbreviations", GIT, "fetch --upload-p evil", false),
                arguments("abbreviations", GIT, "fetch --upl=evil", false),      // ambiguous: pack or archive, both denied
                arguments("abbreviations", GIT, "push --rec=evil", false),
                arguments("abbreviations", GIT, "--exec=/tmp status", false),
                arguments("abbreviations", BARE, "--conf=x host", false),
                arguments("abbreviations", BARE, "--c x host", false),          // could abbreviate --config
                arguments("abbreviations", GIT, "fetch --upload-packs=evil", true), // not a prefix: another option
                // single-dash long flags (Go's flag package)
                arguments("single-dash", TERRAFORM, "apply -auto-approve", false),
                arguments("single-dash", TERRAFORM, "apply --auto-approve", false),
                arguments("single-dash", TERRAFORM, "apply -auto-approve=true", false),
                arguments("single-dash", TERRAFORM, "apply --auto-approve=true", false),
                arguments("single-dash", TERRAFORM, "apply -var x=1 -auto-approve", false),
                arguments("single-dash", TERRAFORM, "apply", true),
                arguments("single-dash", TERRAFORM, "plan -auto-approve", true),
                arguments("single-dash", TERRAFORM, "plan -lock=false", false),
                arguments("single-dash", TERRAFORM, "plan --lock=false", false),
                arguments("single-dash", TERRAFORM, "plan -lock=true", true),
                // case-insensitive values
                arguments("case", DOCKER, "run --cap-add=ALL img", false),
                arguments("case", DOCKER, "run --cap-add=All img", false),
                arguments("case", DOCKER, "run --cap-add Sys_Admin img", false),
                arguments("case", DOCKER, "run --cap-add=\u017Fys_admin img", false), // Go upper-cases long s to S
                arguments("case", DOCKER, "run --cap-add=NET_BIND_SERVICE img", true),
                arguments("case", DOCKER, "run -v /etc:/etc img", false),
                arguments("case", DOCKER, "run --volume=/etc:/x img", false),
                arguments("case", DOCKER, "run -v vol:/data img", true),
                // pflag reads -v=/etc:/etc as -v with the value /etc:/etc
                arguments("case", DOCKER, "run -v=/etc:/etc img", false),
                arguments("case", DOCKER, "run -itv=/etc:/x img", false),
                arguments("case", DOCKER, "run -v=vol:/data img", true),
                // -- ends options
                arguments("double-dash", GIT, "log -- --upload-pack=evil", true),
                arguments("double-dash", GIT, "log -- -c", true),
                arguments("double-dash", SSH, "host -- -A", true),
                arguments("double-dash", GIT, "log --upload-pack=evil --", false),
                // subcommand path, found the way the tool finds it
                arguments("subcommand", GIT, "credential fill", false),
                arguments("subcommand", GIT, "-C /w credential fill", false),
                arguments("subcommand", GIT, "-c a=b credential fill", false),
                arguments("subcommand", GIT, "-cuser.name=x credential fill", false),
                arguments("subcommand", GIT, "--git-dir /w/.git credential fill", false),
                arguments("subcommand", GIT, "--no-pager -p credential fill", false),
                arguments("subcommand", GIT, "--undeclared x credential fill", false), // undeclared: x may be its value
                arguments("subcommand", GIT, "--undeclared credential fill", false),   // or not
                arguments("subcommand", GIT, "log -- destroy", true),
                arguments("subcommand", GIT, "log destroy", true),
                arguments("subcommand", GIT, "push origin credential", true),
                arguments("subcommand", GIT, "-C credential status", true),
                arguments("subcommand", TERRAFORM, "destroy", false),
                arguments("subcommand", TERRAFORM, "-chdir=x destroy", false),
                arguments("subcommand", TERRAFORM, "-chdir x destroy", false),
                arguments("subcommand", TERRAFORM, "--chdir=x destroy -auto-approve", false),
                arguments("subcommand", TERRAFORM, "plan -destroy", true),
                arguments("subcommand", TERRAFORM, "-chdir destroy plan", true),
                arguments("subcommand", TERRAFORM, "state list", true),
                arguments("subcommand", TERRAFORM, "state rm aws_instance.x", false),
                arguments("subcommand", TERRAFORM, "-chdir=x state rm aws_instance.x", false),
                arguments("multi-word", AWS, "configure export-credentials", false),
                arguments("multi-word", AWS, "--region eu-west-1 configure export-credentials", false),
                arguments("multi-word", AWS, "--debug configure export-credentials", false),
                arguments("multi-word", AWS, "--profile p configure get aws_secret_access_key", false),
                arguments("multi-word", AWS, "configure list", true),
                arguments("multi-word", AWS, "configure", true),
                arguments("multi-word", AWS, "s3 cp configure get", true),
                arguments("multi-word", AWS, "sts get-caller-identity", true),
                // allow mode: anchored, certain readings only
                arguments("allow", GIT_ALLOW, "status", true),
                arguments("allow", GIT_ALLOW, "-C /w status --porcelain", true),
                arguments("allow", GIT_ALLOW, "-c a=b -p status", true),
                arguments("allow", GIT_ALLOW, "push origin status", false),
                arguments("allow", GIT_ALLOW, "push", false),
                arguments("allow", GIT_ALLOW, "", false),
                arguments("allow", GIT_ALLOW, "--undeclared status", false), // status may be its value
                arguments("allow", GIT_ALLOW, "log --oneline -5", true),
                arguments("allow", KUBECTL_ALLOW, "get pods", true),
                arguments("allow", KUBECTL_ALLOW, "-n kube-system get pods", true),
                arguments("allow", KUBECTL_ALLOW, "--namespace=kube-system get pods", true),
                arguments("allow", KUBECTL_ALLOW, "--context prod get pods -o wide", true),
                arguments("allow", KUBECTL_ALLOW, "-A get pods", true),
                arguments("allow", KUBECTL_ALLOW, "config view", true),
                arguments("allow", KUBECTL_ALLOW, "config view --raw", true),
                arguments("allow", KUBECTL_ALLOW, "config set-context x", false),
                arguments("allow", KUBECTL_ALLOW, "config", false),
                arguments("allow", KUBECTL_ALLOW, "delete pod get", false),
                arguments("allow", KUBECTL_ALLOW, "logs pod-x --tail=20", true),
                arguments("allow", KUBECTL_ALLOW, "logs pod-x --tail 20", true),
                arguments("allow", KUBECTL_ALLOW, "logs pod-x", false),
                arguments("allow", KUBECTL_ALLOW, "--server x get pods", false));
    }

    @ParameterizedTest(name = "[{index}] {0}: {2} -> {3}")
    @MethodSource("table")
    void decides(String point, String module, String argv, boolean allowed) throws ConfigError {
        CommandModule m = ModuleLoader.load("tool", "test:" + point, module);
        Decision d = ArgumentRules.judge(m, argv.isEmpty() ? List.of() : List.of(argv.split(" ")));
        assertThat(d.allowed()).as(d.message()).isEqualTo(allowed);
        if (!allowed) {
            assertThat(d.layer()).isEqualTo(Layer.MODULE);
            assertThat(d.message()).startsWith("airlock: refused by the module layer");
        }
    }
}
