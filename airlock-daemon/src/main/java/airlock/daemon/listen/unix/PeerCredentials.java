package airlock.daemon.listen.unix;

import airlock.daemon.core.Caller;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel's word on who is at the other end of a unix socket: getsockopt(SO_PEERCRED), which
 * the peer cannot forge. The JDK's own {@code ExtendedSocketOptions.SO_PEERCRED} drops the pid,
 * and the pid is what leads to the caller's container (/proc/PID/cgroup), so this asks libc
 * directly through the FFM API. Reading the channel's descriptor needs
 * {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}; every launcher passes it, and
 * {@link #selfTest()} makes a daemon without it refuse to start rather than serve callers it
 * cannot identify.
 */
public final class PeerCredentials {
    /** Linux, every architecture airlock ships for (asm-generic): SOL_SOCKET 1, SO_PEERCRED 17. */
    private static final int SOL_SOCKET = 1;
    private static final int SO_PEERCRED = 17;
    /** struct ucred { pid_t pid; uid_t uid; gid_t gid; } */
    private static final long UCRED_BYTES = 12;

    record Ucred(long pid, long uid, long gid) {}

    private static final MethodHandle GETSOCKOPT;
    private static final Method FD_VAL;
    private static final String UNAVAILABLE;

    static {
        MethodHandle getsockopt = null;
        Method fdVal = null;
        String why = null;
        try {
            Linker linker = Linker.nativeLinker();
            getsockopt = linker.downcallHandle(linker.defaultLookup().find("getsockopt").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
            fdVal = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
        } catch (ReflectiveOperationException | RuntimeException e) {
            why = e.toString();
        }
        GETSOCKOPT = getsockopt;
        FD_VAL = fdVal;
        UNAVAILABLE = why;
    }

    private PeerCredentials() {}

    /** Who is on the other end, as the kernel says: credentials, then the container from /proc/PID/cgroup. */
    /** The container this daemon runs in, as {@link #caller} names a peer's; "" on a host. */
    public static String ownContainer() {
        return CgroupContainer.ofPid(java.nio.file.Path.of("/proc"), ProcessHandle.current().pid());
    }

    public static Caller caller(SocketChannel socket) throws IOException {
        Ucred c = of(socket);
        if (c.pid() <= 0) return Caller.UNKNOWN;
        return new Caller.KernelPeer(c.pid(), c.uid(), c.gid(), CgroupContainer.ofPid(java.nio.file.Path.of("/proc"), c.pid()));
    }

    static Ucred of(SocketChannel ch) throws IOException {
        if (UNAVAILABLE != null) throw new IOException("SO_PEERCRED unavailable: " + UNAVAILABLE);
        int fd;
        try {
            fd = (int) FD_VAL.invoke(ch);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot read the socket's descriptor (start the JVM with "
                    + "--add-exports java.base/sun.nio.ch=ALL-UNNAMED): " + e, e);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cred = arena.allocate(UCRED_BYTES, 4);
            MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, (int) UCRED_BYTES);
            int rc = (int) GETSOCKOPT.invokeExact(fd, SOL_SOCKET, SO_PEERCRED, cred, len);
            if (rc != 0) throw new IOException("getsockopt(SO_PEERCRED) failed on descriptor " + fd);
            return new Ucred(Integer.toUnsignedLong(cred.get(ValueLayout.JAVA_INT, 0)),
                    Integer.toUnsignedLong(cred.get(ValueLayout.JAVA_INT, 4)),
                    Integer.toUnsignedLong(cred.get(ValueLayout.JAVA_INT, 8)));
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("getsockopt(SO_PEERCRED): " + t, t);
        }
    }

    /**
     * Reads this process's own credentials over a socket pair, so that a daemon which cannot tell
     * its callers apart says so at start-up instead of at the first request.
     */
    public static void selfTest() throws IOException {
        Path dir = Files.createTempDirectory("airlock-peercred");
        Path sock = dir.resolve("s");
        var address = UnixDomainSocketAddress.of(sock);
        try (var server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(address);
            try (SocketChannel client = SocketChannel.open(address); SocketChannel accepted = server.accept()) {
                Ucred u = of(accepted);
                if (u.pid() != ProcessHandle.current().pid()) {
                    throw new IOException("SO_PEERCRED gave pid " + u.pid() + ", expected " + ProcessHandle.current().pid());
                }
            }
        } finally {
            Files.deleteIfExists(sock);
            Files.deleteIfExists(dir);
        }
    }
}
