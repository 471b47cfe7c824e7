package airlock.daemon.pipeline;

import airlock.rules.CommandModule;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/** {@code [exec] concurrent = false}: one run of that command at a time across all sessions and profiles. */
public final class CommandLocks {
    private final ConcurrentMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    /** Released by closing; a no-op for commands that may run concurrently. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    Held acquire(CommandModule module) throws InterruptedException {
        if (module.concurrent()) return () -> {};
        ReentrantLock lock = locks.computeIfAbsent(module.name(), k -> new ReentrantLock(true));
        lock.lockInterruptibly();
        return lock::unlock;
    }
}
