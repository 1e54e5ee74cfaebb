package io.exprun.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exprun.client.CancelledRun;
import io.exprun.client.ExprunClient;
import io.exprun.client.ExprunNotFoundException;
import io.exprun.client.ExprunRateLimitedException;
import io.exprun.client.ExprunUnauthorizedException;
import io.exprun.client.ExprunValidationException;
import io.exprun.client.RunLifecycle;
import io.exprun.client.RunQuery;
import io.exprun.client.generated.model.CreateExperimentRunRequest;
import io.exprun.client.generated.model.LifecycleStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a consumer of exprun relies on, written once and run twice with the same assertions: against the stub
 * ({@link ConsumerScenariosAgainstStubTest}, no server anywhere) and against the real server
 * ({@link ConsumerScenariosAgainstRealServerTest}). Subclasses only say how to get into each situation.
 */
abstract class ConsumerScenarios {

    /** A client with a key the target accepts, retrying twice. */
    abstract ExprunClient client();

    /** The id of a run in {@code status} (nothing moves it afterwards). */
    abstract String runIn(LifecycleStatus status);

    /** A run that will progress on its own, from not started to completed, and the client that reads it. */
    abstract RunOf runThatProgressesToCompleted();

    record RunOf(ExprunClient client, String id) {}

    /** The id of a run that does not exist. */
    abstract String runThatDoesNotExist();

    /** A client whose key the target refuses. */
    abstract ExprunClient clientTheServerRefuses();

    /** A client that will get 429 with Retry-After on every call (skips where the target cannot rate-limit). */
    abstract ExprunClient clientThatIsRateLimited();

    static ExprunClient.Builder configured(String baseUrl, String key) {
        return ExprunClient.builder()
                .baseUrl(baseUrl)
                .apiKey(key)
                .retries(2, Duration.ofMillis(10), Duration.ofMillis(50));
    }

    @ParameterizedTest
    @EnumSource(
            value = LifecycleStatus.class,
            names = {"PENDING", "QUEUED", "RUNNING", "COMPLETED", "ERROR", "CANCELLED"})
    void a_run_in_each_lifecycle_state_reads_as_that_state(LifecycleStatus status) {
        String id = runIn(status);

        RunLifecycle lifecycle = RunLifecycle.of(client().getRun(id).getLifecycle());

        assertThat(lifecycle.status()).isEqualTo(status.getValue());
        assertThat(lifecycle.isTerminal())
                .isEqualTo(List.of("completed", "error", "cancelled").contains(status.getValue()));
        String described = CreateAndCancel.describe(lifecycle);
        switch (lifecycle.kind()) {
            case ERROR ->
                assertThat(((RunLifecycle.Failed) lifecycle).message()).isNotBlank();
            case CANCELLED -> assertThat(described).isEqualTo("cancelled (Cancelled by API request)");
            default -> assertThat(described).doesNotContain("does not know");
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = LifecycleStatus.class,
            names = {"PENDING", "QUEUED", "RUNNING"})
    void cancelling_a_run_that_has_not_finished_returns_it_cancelled_and_it_stays_cancelled(LifecycleStatus status) {
        String id = runIn(status);

        CancelledRun cancelled = client().cancel(id);

        assertThat(cancelled.runId()).isEqualTo(id);
        assertThat(cancelled.lifecycle().reason()).isEqualTo("Cancelled by API request");
        assertThat(cancelled.timing().getCompletedAt()).isNotNull();
        assertThat(RunLifecycle.of(client().getRun(id).getLifecycle()).kind()).isEqualTo(RunLifecycle.Kind.CANCELLED);
        assertThat(client().results(id).map(r -> RunLifecycle.of(r.getLifecycle())))
                .isNotEmpty()
                .allMatch(RunLifecycle::isTerminal)
                .anyMatch(l -> l.kind() == RunLifecycle.Kind.CANCELLED);
    }

    @ParameterizedTest
    @EnumSource(
            value = LifecycleStatus.class,
            names = {"COMPLETED", "ERROR", "CANCELLED"})
    void cancelling_a_finished_run_is_404_run_not_cancellable_with_its_status(LifecycleStatus status) {
        String id = runIn(status);

        assertThatThrownBy(() -> client().cancel(id)).isInstanceOfSatisfying(ExprunNotFoundException.class, e -> {
            assertThat(e.isNotCancellable()).isTrue();
            assertThat(e.currentStatus()).hasValue(status.getValue());
            assertThat(e.getMessage()).contains("404 run_not_cancellable", id, status.getValue());
        });
        assertThat(client().getRun(id).getLifecycle().getActualInstance()).isNotNull();
    }

    @Test
    void a_run_that_does_not_exist_is_404_run_not_found_for_get_and_cancel() {
        String id = runThatDoesNotExist();

        assertThatThrownBy(() -> client().getRun(id))
                .isInstanceOfSatisfying(
                        ExprunNotFoundException.class, e -> assertThat(e.code()).hasValue("run_not_found"));
        assertThatThrownBy(() -> client().cancel(id)).isInstanceOfSatisfying(ExprunNotFoundException.class, e -> {
            assertThat(e.code()).hasValue("run_not_found");
            assertThat(e.isNotCancellable()).isFalse();
        });
        assertThat(client().results(id)).isEmpty();
    }

    @Test
    void a_refused_key_is_401_unauthorized() {
        assertThatThrownBy(() -> clientTheServerRefuses().listRuns(RunQuery.all(), null))
                .isInstanceOfSatisfying(ExprunUnauthorizedException.class, e -> {
                    assertThat(e.code()).hasValue("unauthorized");
                    assertThat(e.getMessage()).contains("401 unauthorized: ");
                });
    }

    @Test
    void a_page_size_the_contract_forbids_is_422_naming_the_parameter() {
        assertThatThrownBy(() -> client().listRuns(RunQuery.all().pageSize(500), null))
                .isInstanceOfSatisfying(ExprunValidationException.class, e -> {
                    assertThat(e.errors())
                            .extracting(ExprunValidationException.FieldError::loc)
                            .containsExactly(List.of("query", "limit"));
                    assertThat(e.getMessage()).startsWith("list runs failed: 422: query.limit: ");
                });
    }

    @Test
    void a_create_without_experiment_is_422_with_the_field_error() {
        assertThatThrownBy(() -> client().createRun(new CreateExperimentRunRequest()))
                .isInstanceOfSatisfying(ExprunValidationException.class, e -> {
                    assertThat(e.errors())
                            .extracting(
                                    ExprunValidationException.FieldError::loc,
                                    ExprunValidationException.FieldError::type)
                            .containsExactly(
                                    org.assertj.core.groups.Tuple.tuple(List.of("body", "experiment_id"), "missing"));
                    assertThat(e.getMessage()).contains("body.experiment_id: Field required");
                });
    }

    @Test
    void a_rate_limited_call_waits_retry_after_between_attempts_then_reports_it() {
        ExprunClient limited = clientThatIsRateLimited();
        long start = System.nanoTime();

        assertThatThrownBy(() -> limited.getRun("exprun_1"))
                .isInstanceOfSatisfying(
                        ExprunRateLimitedException.class,
                        e -> assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(1)));
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(950));
    }

    @Test
    void a_run_progresses_to_completed_over_successive_gets() {
        RunOf run = runThatProgressesToCompleted();
        List<RunLifecycle.Kind> seen = new ArrayList<>();

        for (int polls = 0; polls < 500; polls++) {
            RunLifecycle.Kind kind = RunLifecycle.of(
                            run.client().getRun(run.id()).getLifecycle())
                    .kind();
            if (seen.isEmpty() || seen.get(seen.size() - 1) != kind) {
                seen.add(kind);
            }
            if (kind == RunLifecycle.Kind.COMPLETED) {
                break;
            }
            LockSupport.parkNanos(
                    TimeUnit.MILLISECONDS.toNanos(10)); // polling a remote service, as waitForTerminal does
        }

        assertThat(seen).first().isNotEqualTo(RunLifecycle.Kind.COMPLETED);
        assertThat(seen).last().isEqualTo(RunLifecycle.Kind.COMPLETED);
        assertThat(seen)
                .isSortedAccordingTo(java.util.Comparator.naturalOrder()) // PENDING < QUEUED < RUNNING < COMPLETED
                .isSubsetOf(
                        RunLifecycle.Kind.PENDING,
                        RunLifecycle.Kind.QUEUED,
                        RunLifecycle.Kind.RUNNING,
                        RunLifecycle.Kind.COMPLETED);
    }
}
