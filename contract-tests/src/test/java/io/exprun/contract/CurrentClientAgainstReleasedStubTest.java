package io.exprun.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exprun.client.ExperimentRuns;
import io.exprun.client.ExprunClient;
import io.exprun.client.ExprunNotFoundException;
import io.exprun.client.ExprunRateLimitedException;
import io.exprun.client.ExprunUnauthorizedException;
import io.exprun.client.ExprunValidationException;
import io.exprun.client.RunLifecycle;
import io.exprun.client.RunQuery;
import io.exprun.client.generated.model.CreateExperimentRunRequest;
import io.exprun.server.testing.FaultyProxy;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compatibility matrix, current client against the released stubs: the stub of every supported release (its jar
 * as released under released/maven, which a consumer's build pins by version; {@link ReleasedStub}) answers every
 * operation they share, in every scenario it plays, and today's client reads each answer. A client that stopped
 * understanding what the servers of a supported release say fails here. The same checks through a {@link FaultyProxy}
 * that makes one breaking change must fail: the negative control.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CurrentClientAgainstReleasedStubTest {

    private final Map<String, ReleasedStub> stubs = new LinkedHashMap<>();

    @BeforeAll
    void start() {
        for (String release : ReleasedStub.supportedReleases()) {
            stubs.put(release, ReleasedStub.start(release));
        }
    }

    @AfterAll
    void stop() {
        stubs.values().forEach(ReleasedStub::close);
    }

    Stream<String> releases() {
        return ReleasedStub.supportedReleases().stream();
    }

    Stream<Arguments> releasesAndFaults() {
        return releases()
                .flatMap(r -> Stream.of(
                                FaultyProxy.Fault.NONE,
                                FaultyProxy.Fault.RENAMED_FIELD,
                                FaultyProxy.Fault.REMOVED_VARIANT,
                                FaultyProxy.Fault.CHANGED_NOT_FOUND_CODE,
                                FaultyProxy.Fault.NEW_REQUIRED_REQUEST_FIELD)
                        .map(f -> Arguments.of(r, f)));
    }

    /** Each check switches the stub to its scenario and reads one or more operations through the client. */
    private static Map<String, Runnable> checks(ReleasedStub stub, ExprunClient client) {
        ExperimentRuns runs = client.workflows().experiments().runs();
        Map<String, Runnable> checks = new LinkedHashMap<>();
        checks.put("examples: every operation's example reads", () -> {
            stub.scenario("EXAMPLES");
            assertThat(runs.create("exp_demo").getLifecycle().getActualInstance())
                    .isNotNull();
            assertThat(runs.get("exprun_1").getTiming()).isNotNull();
            assertThat(runs.page(RunQuery.all(), null).getData())
                    .isNotEmpty()
                    .allSatisfy(r -> assertThat(r.getTiming()).isNotNull());
            assertThat(client.workflows()
                            .experiments()
                            .results()
                            .get("expres_1")
                            .getLifecycle()
                            .getActualInstance())
                    .isNotNull();
            assertThat(client.workflows()
                            .experiments()
                            .results()
                            .page("exprun_1", null, 10)
                            .getData())
                    .isNotEmpty();
        });
        for (String status : List.of("pending", "queued", "running", "completed", "error", "cancelled")) {
            checks.put("a " + status + " run reads as " + status + ", and its results", () -> {
                stub.scenario("RUN_" + status.toUpperCase(java.util.Locale.ROOT));
                RunLifecycle lifecycle = RunLifecycle.of(runs.get("exprun_x").getLifecycle());
                assertThat(lifecycle.status()).isEqualTo(status);
                assertThat(lifecycle.kind()).isNotEqualTo(RunLifecycle.Kind.UNKNOWN);
                assertThat(client.workflows().experiments().results().list("exprun_x"))
                        .allSatisfy(r -> assertThat(r.getTiming()).isNotNull());
            });
        }
        for (String status : List.of("pending", "queued", "running")) {
            checks.put("cancelling a " + status + " run answers it cancelled", () -> {
                stub.scenario("RUN_" + status.toUpperCase(java.util.Locale.ROOT));
                var cancelled = runs.cancel("exprun_x");
                assertThat(((RunLifecycle.Cancelled) RunLifecycle.of(cancelled.getLifecycle())).reason())
                        .isNotBlank();
                assertThat(cancelled.getTiming()).isNotNull();
            });
        }
        for (String status : List.of("completed", "error", "cancelled")) {
            checks.put("cancelling a " + status + " run is 404 run_not_cancellable", () -> {
                stub.scenario("RUN_" + status.toUpperCase(java.util.Locale.ROOT));
                assertThatThrownBy(() -> runs.cancel("exprun_x"))
                        .isInstanceOfSatisfying(
                                ExprunNotFoundException.class,
                                e -> assertThat(e.currentStatus()).hasValue(status));
            });
        }
        checks.put("a run progressing to completed is waited for: the client polls a stub that does not wait", () -> {
            stub.scenario("RUN_PROGRESSES_TO_COMPLETED");
            assertThat(RunLifecycle.of(runs.waitFor("exprun_x", Duration.ofSeconds(30))
                                    .getLifecycle())
                            .kind())
                    .isEqualTo(RunLifecycle.Kind.COMPLETED);
        });
        checks.put("a run that does not exist is 404 run_not_found", () -> {
            stub.scenario("RUN_NOT_FOUND");
            assertThatThrownBy(() -> runs.get("exprun_x"))
                    .isInstanceOfSatisfying(
                            ExprunNotFoundException.class,
                            e -> assertThat(e.code()).hasValue("run_not_found"));
            assertThatThrownBy(() -> runs.cancel("exprun_x"))
                    .isInstanceOfSatisfying(
                            ExprunNotFoundException.class,
                            e -> assertThat(e.code()).hasValue("run_not_found"));
        });
        checks.put("an unknown experiment is 404 experiment_not_found", () -> {
            stub.scenario("EXPERIMENT_NOT_FOUND");
            assertThatThrownBy(() -> runs.create("exp_gone"))
                    .isInstanceOfSatisfying(
                            ExprunNotFoundException.class,
                            e -> assertThat(e.code()).hasValue("experiment_not_found"));
        });
        checks.put("a refused key is 401", () -> {
            stub.scenario("UNAUTHORIZED");
            assertThatThrownBy(() -> runs.get("exprun_x")).isInstanceOf(ExprunUnauthorizedException.class);
        });
        checks.put("a create without experiment is 422 naming the field", () -> {
            stub.scenario("EXAMPLES");
            assertThatThrownBy(() -> runs.create(new CreateExperimentRunRequest()))
                    .isInstanceOfSatisfying(
                            ExprunValidationException.class,
                            e -> assertThat(e.errors())
                                    .extracting(ExprunValidationException.FieldError::loc)
                                    .containsExactly(List.of("body", "experiment_id")));
        });
        checks.put("a rate-limited call is 429 with Retry-After", () -> {
            stub.scenario("RATE_LIMITED");
            assertThatThrownBy(() -> runs.get("exprun_x"))
                    .isInstanceOfSatisfying(
                            ExprunRateLimitedException.class,
                            e -> assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(1)));
        });
        return checks;
    }

    /** The checks that fail, by name, with why. */
    private static Map<String, String> failures(ReleasedStub stub, String baseUrl) {
        ExprunClient client = ExprunClient.builder()
                .baseUrl(baseUrl)
                .apiKey(stub.apiKey())
                .retries(1, Duration.ZERO, Duration.ZERO)
                .build();
        Map<String, String> failed = new LinkedHashMap<>();
        checks(stub, client).forEach((name, check) -> {
            try {
                check.run();
            } catch (AssertionError | RuntimeException e) {
                failed.put(
                        name,
                        e.getClass().getSimpleName() + ": "
                                + String.valueOf(e.getMessage()).strip());
            }
        });
        return failed;
    }

    @ParameterizedTest(name = "the stub of {0}")
    @MethodSource("releases")
    void the_current_client_reads_every_answer_of_the_released_stub(String release) {
        ReleasedStub stub = stubs.get(release);

        assertThat(failures(stub, stub.baseUrl())).isEmpty();
    }

    @ParameterizedTest(name = "the stub of {0}, behind {1}")
    @MethodSource("releasesAndFaults")
    void a_breaking_change_between_them_fails_a_check(String release, FaultyProxy.Fault fault) throws Exception {
        ReleasedStub stub = stubs.get(release);
        try (FaultyProxy proxy = new FaultyProxy(URI.create(stub.baseUrl()), fault, stub.apiKey())) {
            Map<String, String> failed = failures(stub, proxy.baseUrl());

            if (fault == FaultyProxy.Fault.NONE) {
                assertThat(failed).as("the proxy alone breaks nothing").isEmpty();
            } else {
                assertThat(failed).as("%s must fail a check", fault).isNotEmpty();
                System.out.printf(
                        "%s behind %s failed %d checks: %s%n", release, fault, failed.size(), failed.keySet());
            }
        }
    }
}
