package io.exprun.contract;

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
import io.exprun.server.testing.FaultyProxy;
import io.exprun.stub.ExprunStubServer;
import io.exprun.stub.Scenario;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The compatibility matrix, current client against the released stub: the stub of the latest release (its jar as
 * released under released/maven, which a consumer's build pins by version) answers every operation the two share,
 * in every scenario it plays, and today's client reads each answer. A client that stopped understanding what 0.1.0
 * servers say fails here. The same checks through a {@link FaultyProxy} that makes one breaking change must fail:
 * the negative control.
 */
class CurrentClientAgainstReleasedStubTest {

    private static ExprunStubServer stub;

    @BeforeAll
    static void start() {
        stub = ExprunStubServer.start(Scenario.EXAMPLES);
        String release = System.getProperty("exprun.latest.release");
        assertThat(ExprunStubServer.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .getPath())
                .as("the stub on the classpath is the released jar")
                .endsWith("/exprun-stub-" + release + ".jar");
    }

    @AfterAll
    static void stop() {
        stub.close();
    }

    /** Each check switches the stub to its scenario and reads one or more operations through the client. */
    private static Map<String, Runnable> checks(ExprunClient client) {
        Map<String, Runnable> checks = new LinkedHashMap<>();
        checks.put("examples: every operation's example reads", () -> {
            stub.scenario(Scenario.EXAMPLES);
            assertThat(client.createRun("exp_demo").getLifecycle().getActualInstance())
                    .isNotNull();
            assertThat(client.getRun("exprun_1").getTiming()).isNotNull();
            assertThat(client.listRuns(RunQuery.all(), null).getData())
                    .isNotEmpty()
                    .allSatisfy(r -> assertThat(r.getTiming()).isNotNull());
            assertThat(client.getResult("expres_1").getLifecycle().getActualInstance())
                    .isNotNull();
            assertThat(client.listResults("exprun_1", null, 10).getData()).isNotEmpty();
        });
        for (String status : List.of("pending", "queued", "running", "completed", "error", "cancelled")) {
            checks.put("a " + status + " run reads as " + status + ", and its results", () -> {
                stub.scenario(Scenario.runIn(status));
                RunLifecycle lifecycle =
                        RunLifecycle.of(client.getRun("exprun_x").getLifecycle());
                assertThat(lifecycle.status()).isEqualTo(status);
                assertThat(lifecycle.kind()).isNotEqualTo(RunLifecycle.Kind.UNKNOWN);
                assertThat(client.results("exprun_x"))
                        .allSatisfy(r -> assertThat(r.getTiming()).isNotNull());
            });
        }
        for (String status : List.of("pending", "queued", "running")) {
            checks.put("cancelling a " + status + " run answers it cancelled", () -> {
                stub.scenario(Scenario.runIn(status));
                CancelledRun cancelled = client.cancel("exprun_x");
                assertThat(cancelled.lifecycle().reason()).isNotBlank();
                assertThat(cancelled.timing()).isNotNull();
            });
        }
        for (String status : List.of("completed", "error", "cancelled")) {
            checks.put("cancelling a " + status + " run is 404 run_not_cancellable", () -> {
                stub.scenario(Scenario.runIn(status));
                assertThatThrownBy(() -> client.cancel("exprun_x"))
                        .isInstanceOfSatisfying(
                                ExprunNotFoundException.class,
                                e -> assertThat(e.currentStatus()).hasValue(status));
            });
        }
        checks.put("a run that does not exist is 404 run_not_found", () -> {
            stub.scenario(Scenario.RUN_NOT_FOUND);
            assertThatThrownBy(() -> client.getRun("exprun_x"))
                    .isInstanceOfSatisfying(
                            ExprunNotFoundException.class,
                            e -> assertThat(e.code()).hasValue("run_not_found"));
            assertThatThrownBy(() -> client.cancel("exprun_x"))
                    .isInstanceOfSatisfying(
                            ExprunNotFoundException.class,
                            e -> assertThat(e.code()).hasValue("run_not_found"));
        });
        checks.put("an unknown experiment is 404 experiment_not_found", () -> {
            stub.scenario(Scenario.EXPERIMENT_NOT_FOUND);
            assertThatThrownBy(() -> client.createRun("exp_gone"))
                    .isInstanceOfSatisfying(
                            ExprunNotFoundException.class,
                            e -> assertThat(e.code()).hasValue("experiment_not_found"));
        });
        checks.put("a refused key is 401", () -> {
            stub.scenario(Scenario.UNAUTHORIZED);
            assertThatThrownBy(() -> client.getRun("exprun_x")).isInstanceOf(ExprunUnauthorizedException.class);
        });
        checks.put("a create without experiment is 422 naming the field", () -> {
            stub.scenario(Scenario.EXAMPLES);
            assertThatThrownBy(() -> client.createRun(new CreateExperimentRunRequest()))
                    .isInstanceOfSatisfying(
                            ExprunValidationException.class,
                            e -> assertThat(e.errors())
                                    .extracting(ExprunValidationException.FieldError::loc)
                                    .containsExactly(List.of("body", "experiment_id")));
        });
        checks.put("a rate-limited call is 429 with Retry-After", () -> {
            stub.scenario(Scenario.RATE_LIMITED);
            assertThatThrownBy(() -> client.getRun("exprun_x"))
                    .isInstanceOfSatisfying(
                            ExprunRateLimitedException.class,
                            e -> assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(1)));
        });
        return checks;
    }

    /** The checks that fail, by name, with why. */
    private static Map<String, String> failures(String baseUrl) {
        ExprunClient client = ExprunClient.builder()
                .baseUrl(baseUrl)
                .apiKey(stub.apiKey())
                .retries(1, Duration.ZERO, Duration.ZERO)
                .build();
        Map<String, String> failed = new LinkedHashMap<>();
        checks(client).forEach((name, check) -> {
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

    @Test
    void the_current_client_reads_every_answer_of_the_released_stub() {
        assertThat(failures(stub.baseUrl())).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(
            value = FaultyProxy.Fault.class,
            names = {"NONE", "RENAMED_FIELD", "REMOVED_VARIANT", "CHANGED_NOT_FOUND_CODE", "NEW_REQUIRED_REQUEST_FIELD"
            })
    void a_breaking_change_between_them_fails_a_check(FaultyProxy.Fault fault) throws Exception {
        try (FaultyProxy proxy = new FaultyProxy(URI.create(stub.baseUrl()), fault, stub.apiKey())) {
            Map<String, String> failed = failures(proxy.baseUrl());

            if (fault == FaultyProxy.Fault.NONE) {
                assertThat(failed).as("the proxy alone breaks nothing").isEmpty();
            } else {
                assertThat(failed).as("%s must fail a check", fault).isNotEmpty();
                System.out.printf("%s failed %d checks: %s%n", fault, failed.size(), failed.keySet());
            }
        }
    }
}
