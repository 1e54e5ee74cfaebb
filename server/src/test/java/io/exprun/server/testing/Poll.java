package io.exprun.server.testing;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for an eventually-true condition (runs progress in the background), failing with the last value seen. */
public final class Poll {
    private Poll() {
    }

    public static <T> T until(Supplier<T> probe, java.util.function.Predicate<T> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = probe.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within " + timeout + "; last value: " + last);
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            last = probe.get();
        }
        return last;
    }
}
