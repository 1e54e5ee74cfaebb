package io.exprun.server.work;

import io.exprun.server.domain.ErrorInfo;
import io.exprun.server.domain.Result;
import io.exprun.server.domain.Run;

import java.util.function.BooleanSupplier;

/**
 * Executes the run's block on one document. The default is {@link SimulatedBlockExecutor}; a deployment plugs in
 * real execution by implementing this. Implementations must poll {@code stillWanted} while working (it turns false
 * when the run is cancelled or this worker lost its lease) and return {@link Outcome.Abandoned} promptly then.
 */
@FunctionalInterface
public interface BlockExecutor {

    Outcome execute(Run run, Result result, BooleanSupplier stillWanted) throws InterruptedException;

    sealed interface Outcome {
        /** The block's output for this document, as JSON text. */
        record Completed(String outputJson) implements Outcome {
        }

        record Failed(String message, ErrorInfo details) implements Outcome {
        }

        /** Stopped because {@code stillWanted} turned false. */
        record Abandoned() implements Outcome {
        }
    }
}
