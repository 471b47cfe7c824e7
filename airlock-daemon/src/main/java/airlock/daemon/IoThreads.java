package airlock.daemon;

/**
 * Threads for a session and its blocking I/O loops: platform threads with small stacks, not
 * virtual threads. Every loop here blocks in native code: reads of the tool's pipes, and reads and
 * writes of the junixsocket socket (junixsocket is the one API that gives SO_PEERCRED's pid). On a
 * virtual thread junixsocket parks on its own poller, which serves one waiter per socket on the
 * common pool: a session reading the caller's frames while writing output then waits forever (seen
 * with 100 MB of output), and one silent client delays every other session. The number of threads
 * is bounded by {@link Daemon#MAX_SESSIONS} times five.
 */
final class IoThreads {
    private static final long STACK = 256 * 1024;

    private IoThreads() {}

    static Thread start(String name, Runnable task) {
        return Thread.ofPlatform().name(name).daemon(true).stackSize(STACK).start(task);
    }
}
