package airlock.attacks;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Attacks on the kubectl module through the real daemon, with a recording fake kubectl. See builtin-commands/kubectl/SECURITY.md. */
class KubectlAttackTest extends FakeToolAttacks {
    @Override String tool() { return "kubectl"; }

    @BeforeEach
    void setUp() throws Exception {
        start("[env]\nset = { KUBECONFIG = \"/home/me/.kube/agent-dev\" }\n");
    }

    @Test
    void credentialsPrintedByKubectlAreRefused() throws Exception {
        refused("config", "view", "--raw");
        refused("config", "view", "--flatten", "--minify");
        refused("--namespace", "x", "config", "view", "--raw");
        refused("create", "token", "default");
        refused("get", "secret", "db", "-o", "yaml");
        refused("get", "secrets");
        refused("get", "-n", "prod", "Secrets");
        refused("get", "secret/db", "-o", "jsonpath={.data}");
        refused("get", "secrets.v1", "-A");
        refused("get", "configmaps,secrets");
        refused("get", "--raw", "/api/v1/namespaces/default/secrets");
    }

    @Test
    void thePinnedIdentityCannotBeOverridden() throws Exception {
        refused("--context", "prod-admin", "get", "pods");
        refused("get", "pods", "--context=prod-admin");
        refused("--kubeconfig", "/root/.kube/config", "get", "pods");
        refused("get", "pods", "--user", "admin");
        refused("get", "pods", "--as", "system:admin");
        refused("get", "pods", "--token", "x");
        refused("-s", "https://10.0.0.1", "get", "pods");
        refused("config", "use-context", "prod-admin");
        refused("config", "set-credentials", "me", "--token", "x");
        FakeCall call = ranWith(HOSTILE_ENV, new byte[0], "get", "pods");
        assertThat(call.env()).containsEntry("KUBECONFIG", "/home/me/.kube/agent-dev").containsEntry("KUBE_EDITOR", "false");
        noHostileVariableReachesTheTool(call);
    }

    @Test
    void editorsPortsAndProxiesOnTheHostAreRefused() throws Exception {
        refused("edit", "deployment/x");
        refused("-n", "x", "edit", "cm", "y");
        refused("proxy");
        refused("port-forward", "svc/db", "5432:5432");
        refused("plugin", "list");
    }

    @Test
    void destructiveOperationsAreRefused() throws Exception {
        refused("delete", "pods", "--all");
        refused("delete", "namespace", "prod");
        refused("delete", "ns", "prod");
        refused("delete", "pod", "x", "--force", "--grace-period=0");
        refused("drain", "node-1");
        // the kinds in every spelling kubectl reads (the daemon's KubectlResources)
        refused("delete", "namespaces", "prod");
        refused("delete", "ns/prod");
        refused("delete", "Namespace.v1/prod");
        refused("-n", "x", "delete", "pods,namespaces", "prod");
        refused("delete", "nodes", "node-1");
        refused("delete", "no/node-1");
        ran("delete", "pod", "x");
        ran("delete", "deployment/web");
    }

    @Test
    void hostFilesStayOnTheHost() throws Exception {
        refused("create", "secret", "generic", "x", "--from-file=key=/root/.ssh/id_rsa");
        refused("create", "configmap", "x", "--from-file", "/etc/shadow");
        refused("apply", "-f", "/etc/kubernetes/admin.conf");
        refused("cp", "pod:/etc/passwd", "/etc/cron.d/x");
        refused("-n", "dev", "cp", "pod:/etc/passwd", "/etc/cron.d/x");
        // a plain-text file is a valid go template: -o go-template-file=FILE prints FILE
        refused("get", "pods", "-o", "go-template-file=/etc/shadow");
        refused("get", "pods", "-ojsonpath-file=/etc/shadow");
        refused("get", "pods", "--output=go-template-file", "--template=/etc/shadow");
        refused("get", "pods", "-o", "go-template-file", "--template", "/etc/shadow");
        refused("kustomize", "/root/secrets");
        refused("get", "pods", "--cache-dir=/etc/cron.d");
        refused("get", "pods", "--log-file", "/etc/cron.d/x");
        ran("get", "pods", "-o", "go-template", "--template={{.metadata.name}}");
        ran("get", "pods", "-o", "go-template-file=tmpl.txt");
        ran("kustomize", "overlays/dev");
        ran("apply", "-f", "deploy.yaml");
    }

    @Test
    void ordinaryUseKeepsWorking() throws Exception {
        ran("get", "pods");
        ran("get", "pods", "-n", "dev", "-o", "wide");
        ran("describe", "pod", "x");
        ran("logs", "deploy/x", "--tail=50");
        ran("apply", "-f", "k8s/");
        ran("config", "current-context");
        ran("config", "view");
        ran("get", "configmaps");
        ordinaryThroughTheShim("get", "pods");
    }
}
