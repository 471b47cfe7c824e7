package airlock.daemon;

/**
 * Threads that block on a session's socket are platform threads. junixsocket 2.10 serves blocking
 * I/O on virtual threads through a naive poller (poll jobs on the common ForkJoinPool, one worker on
 * 2 cores) that can leave a writer parked forever: a tool writing more than the socket buffer
 * left its stdout pump parked in VirtualThreadPollerNaive while the shim waited for bytes
 * (64 MiB through the shim hung at 0.4-22 MB in 6 of 6 runs on one build; with platform threads
 * 1 GiB passes in 2.4 s). Same family as kohlschutter/junixsocket#172. Small stacks keep 500
 * concurrent sessions cheap.
 */
final class SocketThreads {
    private static final long STACK_BYTES = 256 * 1024;

    private SocketThreads() {}

    static Thread start(String name, Runnable task) {
        return Thread.ofPlatform().name(name).daemon(true).stackSize(STACK_BYTES).start(task);
    }
}
