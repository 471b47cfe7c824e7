package airlock.attacks;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attacks on the docker module through the real daemon. The docker CLI talks to an engine we do
 * not want to reach from a unit test, so a recording fake stands in for it: what matters here is
 * which command lines airlock lets through. See builtin-commands/docker/SECURITY.md.
 */
class DockerAttackTest extends FakeToolAttacks {
    @Override String tool() { return "docker"; }

    @BeforeEach
    void setUp() throws Exception {
        start("[env]\nset = { DOCKER_HOST = \"unix:///run/user/1000/docker.sock\" }\n");
        Files.writeString(proxy.work.resolve("Dockerfile"), "FROM scratch\n");
    }

    @Test
    void privilegesAndHostNamespacesAreRefused() throws Exception {
        refused("run", "--privileged", "img");
        refused("run", "--privileged=true", "img");
        refused("run", "--pid=host", "img");
        refused("run", "--pid", "host", "img");
        refused("run", "--network=host", "img");
        refused("run", "--net", "HOST", "img");
        refused("run", "--ipc=host", "img");
        refused("run", "--uts=host", "img");
        refused("run", "--userns=host", "img");
        refused("run", "--cgroupns=host", "img");
        refused("run", "--cap-add=SYS_ADMIN", "img");
        refused("run", "--cap-add", "all", "img");
        refused("run", "--device=/dev/sda", "img");
        refused("run", "--security-opt", "seccomp=unconfined", "img");
        refused("run", "--security-opt=apparmor=unconfined", "img");
        refused("run", "--network=container:other", "img");
        refused("exec", "--privileged", "c", "sh");
        refused("build", "--allow", "security.insecure", ".");
        refused("build", "--ssh", "default", ".");
        refused("build", "--secret", "id=x,src=/root/.aws/credentials", ".");
    }

    @Test
    void hostBindMountsAreRefusedInEverySpelling() throws Exception {
        refused("run", "-v", "/:/host", "img");
        refused("run", "-v/:/host", "img");
        refused("run", "-itv", "/:/host", "img");
        refused("run", "-v=/:/host", "img"); // pflag strips the '='
        refused("run", "-itv=/:/host", "img");
        refused("run", "--volume=/var/run/docker.sock:/var/run/docker.sock", "img");
        refused("run", "--volume", "/etc:/etc", "img");
        refused("run", "-v", ".:/src", "img");
        refused("run", "--mount", "type=bind,source=/,target=/host", "img");
        refused("run", "--mount=type=bind,src=/root,dst=/r", "img");
        refused("run", "--mount", "Type=Bind,Source=/,Target=/h", "img");
        refused("run", "--mount", "type=volume,dst=/h,volume-opt=device=/,volume-opt=o=bind", "img");
        refused("volume", "create", "--opt", "device=/", "--opt", "o=bind", "hostroot");
        refused("volume", "create", "-o", "type=none", "-o", "device=/", "-o", "o=bind", "hostroot");
        refused("volume", "create", "-d", "local", "-otype=none", "hostroot");
        refused("run", "--volumes-from", "privileged-container", "img");
    }

    @Test
    void anotherEngineOrClientConfigIsRefused() throws Exception {
        refused("-H", "tcp://10.0.0.1:2375", "ps");
        refused("-Htcp://10.0.0.1:2375", "ps");
        refused("--host=unix:///var/run/docker.sock", "ps");
        refused("--context", "prod", "ps");
        refused("-c", "prod", "ps");
        refused("--config", "/tmp/evil", "ps");
        refused("context", "use", "prod");
        refused("context", "create", "x", "--docker", "host=tcp://x");
        FakeCall call = ranWith(HOSTILE_ENV, new byte[0], "ps");
        assertThat(call.env()).containsEntry("DOCKER_HOST", "unix:///run/user/1000/docker.sock");
        noHostileVariableReachesTheTool(call);
    }

    @Test
    void credentialsAndPluginsAreRefused() throws Exception {
        refused("login", "-u", "x", "--password-stdin");
        refused("logout");
        refused("plugin", "install", "evil/plugin");
        refused("compose", "up");
        refused("swarm", "init");
        refused("trust", "signer", "add", "--key", "k.pub", "me", "repo");
        // a raw engine API over stdio would bypass every rule of this module
        refused("system", "dial-stdio");
        refused("buildx", "dial-stdio");
        refused("buildx", "bake");
        refused("buildx", "create", "--driver-opt", "network=host");
    }

    @Test
    void leavingTheWorkspaceIsRefused() throws Exception {
        refused("build", "/");
        refused("build", "-t", "x", "/etc");
        refused("build", "-f", "/etc/shadow", ".");
        refused("run", "--env-file", "/root/.aws/credentials", "img");
        refused("cp", "container:/etc/passwd", "/etc/cron.d/x");
        refused("cp", "/root/.ssh/id_rsa", "container:/k");
        refused("save", "-o", "/tmp/outside.tar", "img");
        refused("build", "-o", "type=local,dest=/tmp/outside", ".");
        refused("load", "-i", "/tmp/some.tar");
        // the same through the management commands, and import of a host tarball
        refused("container", "cp", "c:/etc/passwd", "/etc/cron.d/x");
        refused("container", "cp", "/root/.ssh/id_rsa", "c:/k");
        refused("cp", "c:/x", "/tmp/host:file");
        refused("image", "load", "-i", "/tmp/some.tar");
        refused("image", "load", "--input=/tmp/some.tar");
        refused("import", "/root/backup.tar");
        refused("image", "import", "/root/backup.tar", "img");
        refused("--log-level", "debug", "cp", "c:/etc/passwd", "/etc/cron.d/x");
    }

    @Test
    void ordinaryUseKeepsWorking() throws Exception {
        ran("build", "-t", "myimg", ".");
        ran("build", "-f", "Dockerfile", "-t", "myimg", ".");
        ran("run", "--rm", "-v", "data:/data", "myimg", "ls", "/data");
        ran("run", "--rm", "--mount", "type=volume,src=data,dst=/data", "myimg");
        ran("run", "--rm", "-it", "--network", "none", "-e", "A=b", "myimg", "sh", "-c", "echo hi");
        ran("volume", "create", "data");
        ran("ps", "-a");
        ran("images");
        ran("logs", "-f", "c");
        ran("cp", "c:/app/out.txt", "out.txt");
        ran("container", "cp", "c:/app/out.txt", "./out.txt");
        ran("import", "https://example.invalid/rootfs.tar", "img");
        ordinaryThroughTheShim("run", "--rm", "-v", "data:/data", "myimg");
    }
}
