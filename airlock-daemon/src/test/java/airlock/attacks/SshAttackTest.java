package airlock.attacks;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attacks on the ssh module through the real daemon and the real ssh binary. Attacks that would
 * run a local command use a canary; the destination check runs the real {@code ssh -G}.
 * Ordinary use connects to 192.0.2.1 (TEST-NET-1, never routed): airlock lets it through and ssh
 * itself fails to connect. See builtin-commands/ssh/SECURITY.md.
 */
class SshAttackTest {
    @TempDir Path tmp;
    Proxy proxy;
    String touch;

    @BeforeEach
    void start() throws Exception {
        proxy = Proxy.start(tmp, List.of("ssh"), "", List.of());
        touch = "touch " + proxy.canary;
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    Proxy.Result ssh(String... args) throws Exception {
        return proxy.run(proxy.work, "ssh", args);
    }

    void refused(String... args) throws Exception {
        List<String> a = new ArrayList<>();
        for (String s : args) a.add(s.replace("TOUCH", touch));
        var r = proxy.run(proxy.work, "ssh", a, Map.of(), new byte[0]);
        assertThat(r.refused()).as("ssh %s -> exit %d %s", a, r.exit(), r.err()).isTrue();
        assertThat(proxy.canary).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LOCALHOST", "localhost.", "127.0.0.1", "127.1", "127.0.0.2", "2130706433",
            "0x7f000001", "0177.0.0.1", "0", "0.0.0.0", "::1", "[::1]", "user@localhost", "ssh://localhost:22",
            "ssh://u@127.0.0.1", "foo.localhost", "::ffff:127.0.0.1"})
    void reEnteringTheHostIsRefused(String destination) throws Exception {
        var r = ssh(destination, "id");
        assertThat(r.refused()).as("%s -> %s", destination, r.err()).isTrue();
        assertThat(r.err()).contains("re-enters the host");
    }

    @Test
    void theHostsOwnNameAndAddressesAreRefused() throws Exception {
        String own = InetAddress.getLocalHost().getHostName();
        assertThat(ssh(own, "id").refused()).isTrue();
        var nics = java.net.NetworkInterface.networkInterfaces()
                .flatMap(java.net.NetworkInterface::inetAddresses).filter(a -> a instanceof java.net.Inet4Address).toList();
        for (var a : nics) assertThat(ssh(a.getHostAddress(), "id").refused()).as(a.toString()).isTrue();
    }

    @Test
    void localCommandsViaOptionsAreRefusedInEverySpelling() throws Exception {
        refused("-oProxyCommand=TOUCH", "192.0.2.1");
        refused("-o", "ProxyCommand=TOUCH", "192.0.2.1");
        refused("-o", "ProxyCommand TOUCH", "192.0.2.1");
        refused("-o", "proxycommand=TOUCH", "192.0.2.1");
        refused("-o", "  PROXYCOMMAND TOUCH", "192.0.2.1");
        refused("-vo", "ProxyCommand=TOUCH", "192.0.2.1");
        refused("-voProxyCommand=TOUCH", "192.0.2.1");
        refused("192.0.2.1", "-oProxyCommand=TOUCH");
        refused("-o", "LocalCommand=TOUCH", "-o", "PermitLocalCommand=yes", "192.0.2.1");
        refused("-o", "KnownHostsCommand=TOUCH", "192.0.2.1");
        refused("-o", "Hostname=127.0.0.1", "192.0.2.1");
        refused("-o", "ProxyJump=localhost", "192.0.2.1");
        refused("-o", "Include=/tmp/evil", "192.0.2.1");
        refused("-o", "IdentityFile=/root/.ssh/prod", "192.0.2.1");
        refused("-o", "ForwardAgent=yes", "192.0.2.1");
        refused("-o", "HostbasedAuthentication=yes", "-o", "EnableSSHKeysign=yes", "192.0.2.1");
        refused("-oEnableSSHKeysign yes", "192.0.2.1");
    }

    @Test
    void forwardingAndTunnellingAreRefused() throws Exception {
        refused("-A", "192.0.2.1");
        refused("-vA", "192.0.2.1");
        refused("-X", "192.0.2.1");
        refused("-Y", "192.0.2.1");
        refused("-L", "8080:db:5432", "192.0.2.1");
        refused("-fNL", "8080:h:80", "192.0.2.1");
        refused("-L8080:h:80", "192.0.2.1");
        refused("-R", "9000:localhost:22", "192.0.2.1");
        refused("-D", "1080", "192.0.2.1");
        refused("-W", "db:5432", "192.0.2.1");
        refused("-J", "bastion", "192.0.2.1");
        refused("-w", "0:0", "192.0.2.1");
        refused("-M", "-S", "/tmp/ctl", "192.0.2.1");
        refused("-O", "exit", "192.0.2.1");
        refused("-t", "192.0.2.1");
    }

    @Test
    void configKeysAndLogsTheCallerNamesAreRefused() throws Exception {
        Path cfg = proxy.work.resolve("cfg");
        Files.writeString(cfg, "Host *\n  ProxyCommand " + touch + "\n");
        refused("-F", cfg.toString(), "192.0.2.1");
        refused("-F" + cfg, "192.0.2.1");
        refused("-i", "/root/.ssh/id_prod", "192.0.2.1");
        refused("-i", proxy.work.resolve("key").toString(), "192.0.2.1");
        refused("-E", "/etc/cron.d/x", "192.0.2.1");
        refused("-I", "/usr/lib/pkcs11.so", "192.0.2.1");
    }

    @Test
    void theCallersEnvironmentNeverReachesSsh() throws Exception {
        var r = proxy.run(proxy.work, "ssh", List.of("-G", "192.0.2.1"), FakeToolAttacks.HOSTILE_ENV, new byte[0]);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(proxy.canary).doesNotExist();
    }

    @Test
    void ordinaryUsePassesAirlockAndReachesSsh() throws Exception {
        List<String> args = List.of("-o", "BatchMode=yes", "-o", "ConnectTimeout=2", "-p", "22", "192.0.2.1", "uname", "-a");
        var r = proxy.run(proxy.work, "ssh", args, Map.of(), new byte[0]);
        assertThat(r.err()).doesNotStartWith("airlock:");
        assertThat(r.exit()).isEqualTo(255); // ssh itself: no route to TEST-NET-1
        var shim = proxy.shim(proxy.work, "ssh", List.of("-o", "BatchMode=yes", "-o", "ConnectTimeout=2", "git@192.0.2.1", "true"), new byte[0]);
        assertThat(shim.err()).doesNotStartWith("airlock:");
        assertThat(shim.exit()).isEqualTo(255);
    }
}
