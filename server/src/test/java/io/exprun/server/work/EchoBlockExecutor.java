package io.exprun.server.work;

import io.exprun.server.domain.Result;
import io.exprun.server.domain.Run;
import java.util.function.BooleanSupplier;

/** A second BlockExecutor, plugged in by name (EXPRUN_EXECUTOR) in BlockExecutorPluginTest: echoes the document. */
public final class EchoBlockExecutor implements BlockExecutor {

    @Override
    public Outcome execute(Run run, Result result, BooleanSupplier stillWanted) {
        return new Outcome.Completed(
                "{\"executor\":\"echo\",\"document_id\":\"" + result.document().id() + "\"}");
    }
}
