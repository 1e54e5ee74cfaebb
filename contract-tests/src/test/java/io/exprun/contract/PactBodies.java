package io.exprun.contract;

import static au.com.dius.pact.consumer.dsl.LambdaDsl.newJsonBody;

import au.com.dius.pact.consumer.dsl.DslPart;
import au.com.dius.pact.consumer.dsl.LambdaDslObject;
import java.util.function.Consumer;

/**
 * Response shapes shared by the consumer interactions. {@code status} is always matched by exact value (a type
 * matcher would accept a wrong status); ids by type, or injected from the provider state; timestamps by an RFC 3339
 * pattern that demands an offset.
 */
final class PactBodies {

    static final String RFC3339 = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$";
    static final String EXAMPLE_TIME = "2026-05-18T10:00:00Z";
    static final String AUTH = "Bearer test-key-a";
    static final String EXAMPLE_RUN = "exprun_example";

    private PactBodies() {}

    /** An ExperimentRun of the demo experiment, id from the provider state's {@code runId}, with this lifecycle. */
    static DslPart run(boolean started, boolean finished, Consumer<LambdaDslObject> lifecycle) {
        return newJsonBody(o -> {
                    o.valueFromProviderState("id", "${runId}", EXAMPLE_RUN);
                    o.stringValue("workflow_id", "wf_demo");
                    o.stringValue("workflow_version_id", "wfv_demo_1");
                    o.object("trigger", t -> t.stringValue("type", "api"));
                    o.stringValue("experiment_id", "exp_demo");
                    o.stringValue("block_id", "blk_extract");
                    o.stringValue("block_type", "extract");
                    o.integerType("n_consensus", 3);
                    o.stringType("block_execution_fingerprint", "bef_example");
                    o.stringType("documents_fingerprint", "df_example");
                    o.integerType("document_count", 5);
                    o.integerType("completed_document_count", 0);
                    o.integerType("error_count", 0);
                    o.object("timing", t -> timing(t, started, finished));
                    o.object("lifecycle", lifecycle);
                })
                .build();
    }

    static void timing(LambdaDslObject t, boolean started, boolean finished) {
        t.stringMatcher("created_at", RFC3339, EXAMPLE_TIME);
        if (started) {
            t.stringMatcher("started_at", RFC3339, EXAMPLE_TIME);
        } else {
            t.nullValue("started_at");
        }
        if (finished) {
            t.stringMatcher("completed_at", RFC3339, EXAMPLE_TIME);
        } else {
            t.nullValue("completed_at");
        }
    }

    /** A result of the run from the provider state; only the fields every state agrees on are pinned. */
    static void result(LambdaDslObject r, Consumer<LambdaDslObject> lifecycle) {
        r.stringType("id", "expres_example");
        r.valueFromProviderState("experiment_run_id", "${runId}", EXAMPLE_RUN);
        r.stringValue("experiment_id", "exp_demo");
        r.stringType("document_id", "doc_1");
        r.stringValue("block_type", "extract");
        r.object("timing", t -> t.stringMatcher("created_at", RFC3339, EXAMPLE_TIME));
        r.object("lifecycle", lifecycle);
    }

    static Consumer<LambdaDslObject> status(String status) {
        return l -> l.stringValue("status", status);
    }

    static DslPart errorEnvelope(String code) {
        return newJsonBody(o -> o.object("detail", d -> {
                    d.stringValue("code", code);
                    d.stringType("message", "explanation");
                }))
                .build();
    }

    static DslPart notCancellable(String currentStatus) {
        return newJsonBody(o -> o.object("detail", d -> {
                    d.stringValue("code", "run_not_cancellable");
                    d.stringType("message", "Run is " + currentStatus + " and can no longer be cancelled");
                    d.object("details", x -> x.stringValue("status", currentStatus));
                }))
                .build();
    }
}
