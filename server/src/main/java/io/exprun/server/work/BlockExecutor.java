package io.exprun.server.work;

import io.exprun.server.domain.ErrorInfo;
import io.exprun.server.domain.Result;
import io.exprun.server.domain.Run;
import java.util.function.BooleanSupplier;

/**
 * Executes the run's block on one document. The default is {@link SimulatedBlockExecutor}; a deployment plugs in
 * real execution by implementing this, with a public no-argument constructor, and naming the class in
 * {@code EXPRUN_EXECUTOR} (it may also be listed in {@code META-INF/services/io.exprun.server.work.BlockExecutor};
 * see {@link BlockExecutors}).
 * <p>
 * {@code stillWanted} is a cheap local flag, not a heartbeat: the workers renew the run's lease themselves, however
 * long {@code execute} takes, so an executor that never polls is neither taken over nor run twice. It turns false
 * when the run is cancelled (through any instance, within about 100 ms), when this worker lost its lease, or when the
 * server is stopping; poll it while working and return {@link Outcome.Abandoned} promptly then, or the cancelled
 * document keeps its worker busy until it returns (its outcome is then discarded).
 */
@FunctionalInterface
public interface BlockExecutor {

    Outcome execute(Run run, Result result, BooleanSupplier stillWanted) throws InterruptedException;

    sealed interface Outcome {
        /** The block's output for this document, as JSON text. */
        record Completed(String outputJson) implements Outcome {}

        record Failed(String message, ErrorInfo details) implements Outcome {}

        /** Stopped because {@code stillWanted} turned false. */
        record Abandoned() implements Outcome {}
    }
}
