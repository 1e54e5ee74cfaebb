package io.exprun.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exprun.client.ExperimentRuns;
import io.exprun.client.ExprunClient;
import io.exprun.client.ExprunNotFoundException;
import io.exprun.client.ExprunPreconditionFailedException;
import io.exprun.client.ExprunRateLimitedException;
import io.exprun.client.ExprunResponse;
import io.exprun.client.ExprunUnauthorizedException;
import io.exprun.client.ExprunValidationException;
import io.exprun.client.RequestOptions;
import io.exprun.client.RunLifecycle;
import io.exprun.client.RunQuery;
import io.exprun.client.generated.model.CancelWorkflowExperimentRunResponse;
import io.exprun.client.generated.model.CreateExperimentRunRequest;
import io.exprun.client.generated.model.ExperimentRun;
import io.exprun.client.generated.model.LifecycleStatus;
import io.exprun.client.generated.model.UpdateExperimentRequest;
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
 * ({@link ConsumerScenariosAgainstRealServerTest}). Subclasses only say how to get into each situation. Written
 * against the client as contract 0.3.0 shapes it ({@code client.workflows().experiments().runs()…}).
 *
 * <p>Over 250 lines because it is every scenario a consumer relies on, written once for the stub and the real server
 * alike.
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

    /**
     * An experiment someone else changed after it was read: its id, and the ETag it had when read. (JDK types only:
     * the compatibility matrix implements it for the scenarios of every release that has it, beside older ones.)
     */
    abstract java.util.Map.Entry<String, String> experimentChangedSinceRead();

    /** A client whose key the target refuses. */
    abstract ExprunClient clientTheServerRefuses();

    /** A client that will get 429 with Retry-After on every call (skips where the target cannot rate-limit). */
    abstract ExprunClient clientThatIsRateLimited();

    ExperimentRuns runs() {
        return client().workflows().experiments().runs();
    }

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

        RunLifecycle lifecycle = RunLifecycle.of(runs().get(id).getLifecycle());

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

        CancelWorkflowExperimentRunResponse cancelled = runs().cancel(id);

        assertThat(cancelled.getId()).isEqualTo(id);
        assertThat(((RunLifecycle.Cancelled) RunLifecycle.of(cancelled.getLifecycle())).reason())
                .isEqualTo("Cancelled by API request");
        assertThat(cancelled.getTiming().getCompletedAt()).isNotNull();
        assertThat(RunLifecycle.of(runs().get(id).getLifecycle()).kind()).isEqualTo(RunLifecycle.Kind.CANCELLED);
        assertThat(client().workflows().experiments().results().list(id).stream()
                        .map(r -> RunLifecycle.of(r.getLifecycle())))
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

        assertThatThrownBy(() -> runs().cancel(id)).isInstanceOfSatisfying(ExprunNotFoundException.class, e -> {
            assertThat(e.isNotCancellable()).isTrue();
            assertThat(e.currentStatus()).hasValue(status.getValue());
            assertThat(e.getMessage()).contains("404 run_not_cancellable", id, status.getValue());
        });
        assertThat(runs().get(id).getLifecycle().getActualInstance()).isNotNull();
    }

    @Test
    void a_run_that_does_not_exist_is_404_run_not_found_for_get_and_cancel() {
        String id = runThatDoesNotExist();

        assertThatThrownBy(() -> runs().get(id))
                .isInstanceOfSatisfying(
                        ExprunNotFoundException.class, e -> assertThat(e.code()).hasValue("run_not_found"));
        assertThatThrownBy(() -> runs().cancel(id)).isInstanceOfSatisfying(ExprunNotFoundException.class, e -> {
            assertThat(e.code()).hasValue("run_not_found");
            assertThat(e.isNotCancellable()).isFalse();
        });
        assertThat(client().workflows().experiments().results().list(id)).isEmpty();
    }

    @Test
    void a_refused_key_is_401_unauthorized() {
        assertThatThrownBy(() -> clientTheServerRefuses()
                        .workflows()
                        .experiments()
                        .runs()
                        .page(RunQuery.all(), null))
                .isInstanceOfSatisfying(ExprunUnauthorizedException.class, e -> {
                    assertThat(e.code()).hasValue("unauthorized");
                    assertThat(e.getMessage()).contains("401 unauthorized: ");
                });
    }

    @Test
    void a_page_size_the_contract_forbids_is_422_naming_the_parameter() {
        assertThatThrownBy(() -> runs().page(RunQuery.all().pageSize(500), null))
                .isInstanceOfSatisfying(ExprunValidationException.class, e -> {
                    assertThat(e.errors())
                            .extracting(ExprunValidationException.FieldError::loc)
                            .containsExactly(List.of("query", "limit"));
                    assertThat(e.getMessage()).startsWith("list runs failed: 422: query.limit: ");
                });
    }

    @Test
    void a_create_without_experiment_is_422_with_the_field_error() {
        assertThatThrownBy(() -> runs().create(new CreateExperimentRunRequest()))
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

        assertThatThrownBy(() -> limited.workflows().experiments().runs().get("exprun_1"))
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
            RunLifecycle.Kind kind = RunLifecycle.of(run.client()
                            .workflows()
                            .experiments()
                            .runs()
                            .get(run.id())
                            .getLifecycle())
                    .kind();
            if (seen.isEmpty() || seen.get(seen.size() - 1) != kind) {
                seen.add(kind);
            }
            if (kind == RunLifecycle.Kind.COMPLETED) {
                break;
            }
            LockSupport.parkNanos(
                    TimeUnit.MILLISECONDS.toNanos(10)); // polling a remote service, to see every state it passes
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

    @Test
    void waiting_for_a_run_returns_it_once_it_has_ended_in_a_request_or_two() {
        RunOf run = runThatProgressesToCompleted();

        ExperimentRun ended = run.client().workflows().experiments().runs().waitFor(run.id(), Duration.ofMinutes(1));

        assertThat(RunLifecycle.of(ended.getLifecycle()).kind()).isEqualTo(RunLifecycle.Kind.COMPLETED);
        assertThat(ended.getTiming().getCompletedAt()).isNotNull();
    }

    @Test
    void an_unchanged_run_is_not_modified_until_its_cancel_changes_its_etag() {
        String id = runIn(LifecycleStatus.RUNNING);
        ExprunResponse<ExperimentRun> read = runs().getWithResponse(id, RequestOptions.none());
        String etag = read.etag().orElseThrow();

        ExprunResponse<ExperimentRun> again =
                runs().getWithResponse(id, RequestOptions.none().ifNoneMatch(etag));
        runs().cancel(id);
        ExprunResponse<ExperimentRun> after =
                runs().getWithResponse(id, RequestOptions.none().ifNoneMatch(etag));

        assertThat(again.notModified()).isTrue();
        assertThat(again.value()).isEmpty();
        assertThat(after.notModified()).isFalse();
        assertThat(RunLifecycle.of(after.value().orElseThrow().getLifecycle()).kind())
                .isEqualTo(RunLifecycle.Kind.CANCELLED);
        assertThat(after.etag()).isPresent().isNotEqualTo(read.etag());
    }

    @Test
    void an_update_conditioned_on_a_stale_etag_is_refused_412_and_on_the_current_one_applies() {
        var stale = experimentChangedSinceRead();
        var experiments = client().workflows().experiments();
        UpdateExperimentRequest rename = new UpdateExperimentRequest().name("mine");

        String current = experiments
                .getWithResponse(stale.getKey(), RequestOptions.none())
                .etag()
                .orElseThrow();
        assertThatThrownBy(() -> experiments.update(
                        stale.getKey(), rename, RequestOptions.none().ifMatch(stale.getValue())))
                .isInstanceOfSatisfying(ExprunPreconditionFailedException.class, e -> {
                    assertThat(e.code()).hasValue("precondition_failed");
                    assertThat(e.currentEtag()).hasValue(current);
                });
        assertThat(experiments
                        .update(stale.getKey(), rename, RequestOptions.none().ifMatch(current))
                        .getName())
                .isNotBlank();
    }
}
