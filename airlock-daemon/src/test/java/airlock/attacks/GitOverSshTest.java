package airlock.attacks;

import airlock.daemon.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * git over ssh through the proxy, with a real sshd on 127.0.0.1. The remote is named
 * gitserver.invalid in the URL and routed to the loopback by the profile's GIT_SSH_COMMAND
 * (host-trusted config, as a real deployment pins a deploy key): a URL that names the host
 * itself is re-entering the host and is refused.
 */
class GitOverSshTest {
    @TempDir Path tmp;
    Proxy proxy;
    Process sshd;
    int port;
    Path repo;
    Path remote;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/sshd")), "openssh-server is installed by .ci/run");
        Path keys = Files.createDirectories(tmp.resolve("keys"));
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", keys.resolve("host").toString());
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", keys.resolve("client").toString());
        Files.copy(keys.resolve("client.pub"), keys.resolve("authorized_keys"));
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.writeString(keys.resolve("sshd_config"), String.join("\n",
                "Port " + port, "ListenAddress 127.0.0.1", "HostKey " + keys.resolve("host"),
                "AuthorizedKeysFile " + keys.resolve("authorized_keys"), "StrictModes no", "UsePAM no",
                "PasswordAuthentication no", "KbdInteractiveAuthentication no", "PermitRootLogin prohibit-password",
                "PidFile " + keys.resolve("sshd.pid"), ""));
        if (!Files.isDirectory(Path.of("/run/sshd")) && "root".equals(System.getProperty("user.name"))) {
            Files.createDirectories(Path.of("/run/sshd"));
        }
        sshd = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", keys.resolve("sshd_config").toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("sshd.log").toFile()).start();
        for (int i = 0; i < 100 && !listening(); i++) Thread.sleep(50);
        assumeTrue(listening(), "sshd did not start: " + Files.readString(tmp.resolve("sshd.log")));
        String ssh = "ssh -i " + keys.resolve("client") + " -o HostName=127.0.0.1 -o StrictHostKeyChecking=no"
                + " -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR";
        proxy = Proxy.start(tmp, List.of("git"), "[env]\nset = { GIT_SSH_COMMAND = \"" + ssh + "\" }\n", List.of());
        repo = Git.initRepo(proxy.work.resolve("repo"));
        remote = proxy.work.resolve("remote.git");
        assertThat(Git.run(proxy.work, "init", "-q", "--bare", "-b", "main", remote.toString()).exit()).isZero();
    }

    boolean listening() {
        try (Socket s = new Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
    }

    @AfterEach
    void stop() {
        if (proxy != null) proxy.close();
        if (sshd != null) sshd.destroy();
    }

    String url(String host) {
        return "ssh://" + System.getProperty("user.name") + "@" + host + ":" + port + remote;
    }

    @Test
    void pushFetchAndPullOverSshWork() throws Exception {
        var add = proxy.run(repo, "git", "remote", "add", "origin", url("gitserver.invalid"));
        assertThat(add.exit()).as(add.err()).isZero();
        var push = proxy.run(repo, "git", "push", "-u", "origin", "main");
        assertThat(push.exit()).as(push.err()).isZero();
        assertThat(Git.run(remote, "log", "--format=%s").out()).contains("first");
        var fetch = proxy.run(repo, "git", "fetch", "origin");
        assertThat(fetch.exit()).as(fetch.err()).isZero();
        var pull = proxy.run(repo, "git", "pull", "--ff-only");
        assertThat(pull.exit()).as(pull.err()).isZero();
        var shim = proxy.shim(repo, "git", List.of("ls-remote", "origin"), new byte[0]);
        assertThat(shim.exit()).as(shim.err()).isZero();
        assertThat(shim.out()).contains("refs/heads/main");
    }

    @Test
    void anSshAddressNamingTheHostItselfIsRefused() throws Exception {
        for (String host : List.of("127.0.0.1", "localhost", "127.1")) {
            var r = proxy.run(repo, "git", "push", url(host), "main");
            assertThat(r.refused()).as(host + ": " + r.err()).isTrue();
            assertThat(r.err()).contains("re-enters the host");
        }
        var r = proxy.run(repo, "git", "fetch", "root@localhost:" + remote);
        assertThat(r.refused()).as(r.err()).isTrue();
        Git.run(repo, "remote", "add", "home", url("localhost"));
        var viaConfig = proxy.run(repo, "git", "fetch", "home");
        assertThat(viaConfig.refused()).as(viaConfig.err()).isTrue();
        assertThat(viaConfig.err()).contains("remote.home.url");
    }
}
