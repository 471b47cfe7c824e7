package airlock.daemon;

/**
 * Python scripts the sandbox tests run inside a run to see what it can reach, each printing what
 * it found: one source for the launcher's tests and the ones through the real shim.
 */
public final class SandboxProbes {
    private SandboxProbes() {}

    /** A python3 script that tries each HOST:PORT argument and prints CONNECTED or REFUSED (with why) for it. */
    public static final String CONNECT = """
            import socket, sys
            for hp in sys.argv[1:]:
                host, port = hp.rsplit(":", 1)
                try:
                    socket.create_connection((host, int(port)), timeout=5).close(); print("CONNECTED", hp)
                except Exception as e:
                    print("REFUSED", hp, type(e).__name__)
            """;

    /**
     * Tries to open the kernel's settings for writing (what a host-root escape would use) and
     * prints which it could, and the host uid the run's uid maps to.
     */
    public static final String KERNEL_WRITES = """
            import os
            targets = ["/proc/sys/kernel/core_pattern", "/proc/sys/kernel/poweroff_cmd", "/proc/sys/fs/suid_dumpable",
                       "/proc/sys/vm/drop_caches", "/proc/sys/net/ipv4/ip_forward", "/proc/sysrq-trigger",
                       "/proc/sys/kernel/modprobe"]
            opened = []
            for t in targets:
                try:
                    os.close(os.open(t, os.O_WRONLY))
                    opened.append(t)
                except OSError:
                    pass
            uid = os.getuid()
            host = None
            for line in open("/proc/self/uid_map"):
                inner, outer, count = (int(x) for x in line.split())
                if inner <= uid < inner + count:
                    host = outer + uid - inner
            print("host uid", host)
            print("opened for writing", opened)
            """;
}
