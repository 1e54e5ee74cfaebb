package io.exprun.server.config;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * exprun's own threads: daemons (a stop is the shutdown hook's decision, never a thread left running) with names that
 * say whose they are in a thread dump and in the log line's {@code [thread]}.
 */
public final class DaemonThreads {

    private DaemonThreads() {}

    /** Threads all called {@code name}: for an executor of one thread. */
    public static ThreadFactory named(String name) {
        return r -> daemon(r, name);
    }

    /** Threads called {@code prefix(1)}, {@code prefix(2)}, …: for a pool. */
    public static ThreadFactory numbered(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> daemon(r, prefix + "(" + n.incrementAndGet() + ")");
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
