package airlock.daemon;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An address of the host that a run's own network namespace reaches through pasta, for tests:
 * nothing outside this machine is reachable, the host's 127.0.0.1 must not be (issue 21.7), and
 * pasta gives the namespace the host's own interface address (so that one is the namespace's
 * own inside). A /32 from 10.231.0.0/16 on the host's lo is neither: inside, it is routed out
 * through pasta's gateway, and pasta's socket on the host reaches it as any outside address.
 * Needs root (ip addr add); removed on close.
 */
public final class HostAddress implements AutoCloseable {
    public final InetAddress address;


    private HostAddress(InetAddress address) {
        this.address = address;
    }

    public static HostAddress add() throws Exception {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        InetAddress a = InetAddress.getByName("10.231." + r.nextInt(1, 255) + "." + r.nextInt(1, 255));
        ip("addr", "add", a.getHostAddress() + "/32", "dev", "lo");
        return new HostAddress(a);
    }

    public String text() {
        return address.getHostAddress();
    }

    private static void ip(String... args) throws Exception {
        String[] argv = new String[args.length + 1];
        argv[0] = "ip";
        System.arraycopy(args, 0, argv, 1, args.length);
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException("ip " + String.join(" ", args) + ": " + out);
    }

    @Override
    public void close() throws Exception {
        ip("addr", "del", text() + "/32", "dev", "lo");
    }
}
