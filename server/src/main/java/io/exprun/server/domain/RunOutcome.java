package io.exprun.server.domain;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * How a run ends once every document has been processed: completed when none failed, otherwise error, saying how
 * many failed and carrying the first failure's details (or a summary of its own when none were recorded).
 */
public final class RunOutcome {

    private RunOutcome() {}

    /** @param firstFailure asked only when a document failed */
    public static Lifecycle of(Run run, Supplier<Optional<ErrorInfo>> firstFailure) {
        if (run.errorCount() == 0) {
            return Lifecycle.of(LifecycleStatus.COMPLETED);
        }
        return Lifecycle.error(
                run.errorCount() + " of " + run.documentCount() + " documents failed",
                firstFailure
                        .get()
                        .orElseGet(() -> new ErrorInfo(
                                "documents failed",
                                null,
                                run.blockId(),
                                run.blockType(),
                                "document_failures",
                                Map.of("error_count", run.errorCount()))));
    }
}
