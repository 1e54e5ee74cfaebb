package io.exprun.server.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** How a run ends once all its documents are processed (the rule the workers apply, stated in the domain). */
class RunOutcomeTest {

    private static Run run(int documents, int errors) {
        return new Run(
                "run_1",
                "t",
                "exp",
                "wf",
                "wfv",
                "blk",
                "extract",
                1,
                "api",
                Lifecycle.of(LifecycleStatus.RUNNING),
                Instant.EPOCH,
                Instant.EPOCH,
                null,
                "bef",
                "df",
                documents,
                documents,
                errors,
                1);
    }

    @Test
    void a_run_with_no_failed_document_completes_without_looking_for_a_failure() {
        AtomicInteger asked = new AtomicInteger();

        Lifecycle outcome = RunOutcome.of(run(5, 0), () -> {
            asked.incrementAndGet();
            return Optional.empty();
        });

        assertThat(outcome).isEqualTo(Lifecycle.of(LifecycleStatus.COMPLETED));
        assertThat(asked).hasValue(0);
    }

    @Test
    void a_run_with_failed_documents_ends_in_error_citing_the_first_failure() {
        ErrorInfo first = new ErrorInfo("timeout on doc 2", null, "blk", "extract", "timeout", Map.of());

        Lifecycle outcome = RunOutcome.of(run(5, 2), () -> Optional.of(first));

        assertThat(outcome.status()).isEqualTo(LifecycleStatus.ERROR);
        assertThat(outcome.message()).isEqualTo("2 of 5 documents failed");
        assertThat(outcome.details()).isEqualTo(first);
    }

    @Test
    void without_a_recorded_failure_the_error_summarises_itself() {
        Lifecycle outcome = RunOutcome.of(run(5, 1), Optional::empty);

        assertThat(outcome.details().errorCode()).isEqualTo("document_failures");
        assertThat(outcome.details().context()).containsEntry("error_count", 1);
    }

    @Test
    void the_replay_of_a_create_shows_the_run_as_created() {
        Run created = run(5, 2).asCreated();

        assertThat(created.status()).isEqualTo(LifecycleStatus.PENDING);
        assertThat(created.startedAt()).isNull();
        assertThat(created.completedDocumentCount()).isZero();
        assertThat(created.errorCount()).isZero();
        assertThat(created.documentCount()).isEqualTo(5);
    }
}
