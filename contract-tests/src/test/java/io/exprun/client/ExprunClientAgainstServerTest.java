package io.exprun.client;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.KEY_B;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exprun.client.generated.model.CancelledWorkflowExperimentRun;
import io.exprun.client.generated.model.CreateExperimentRequest;
import io.exprun.client.generated.model.CreateExperimentRunRequest;
import io.exprun.client.generated.model.ExperimentResult;
import io.exprun.client.generated.model.ExperimentRun;
import io.exprun.client.generated.model.LifecycleStatus;
import io.exprun.client.generated.model.UpdateExperimentRequest;
import io.exprun.client.generated.model.WorkflowExperiment;
import io.exprun.server.domain.Run;
import io.exprun.server.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The client against the real server (Jetty + Jersey + SQLite over loopback HTTP); here, not in client/, so the client builds without the server. */
@SuppressWarnings("removal") // it pins the flat methods of 0.2, kept as deprecated delegates until 0.4
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExprunClientAgainstServerTest {

    /** No workers: runs stay where the fixtures put them. */
    private TestServer server;

    private ExprunClient client;
    /** With workers: runs progress on their own. */
    private TestServer live;

    private ExprunClient liveClient;

    @BeforeAll
    void start() {
        server = TestServer.startEmbedded(0);
        client = ExprunClient.builder()
                .baseUrl(server.baseUri().toString())
                .apiKey(KEY_A)
                .build();
        live = TestServer.start(TestServer.embeddedConfig(2).withSimulation(30, 0));
        liveClient = ExprunClient.builder()
                .baseUrl(live.baseUri().toString())
                .apiKey(KEY_A)
                .build();
    }

    @AfterAll
    void stop() {
        server.close();
        live.close();
    }

    @Test
    void the_generated_api_receives_the_cancelled_variant_with_its_reason() throws Exception {
        Run running = server.fixtures().running(TENANT_A, 1, true);

        var response = client.runsApi().cancelExperimentRun(running.id());

        CancelledWorkflowExperimentRun cancelled =
                (CancelledWorkflowExperimentRun) response.getLifecycle().getActualInstance();
        assertThat(cancelled.getReason()).isEqualTo("Cancelled by API request");
        assertThat(response.getTiming().getCompletedAt()).isNotNull();
    }

    @Test
    void cancel_returns_the_typed_cancelled_lifecycle() {
        Run running = server.fixtures().running(TENANT_A, 1, true);

        CancelledRun cancelled = client.cancel(running.id());

        assertThat(cancelled.runId()).isEqualTo(running.id());
        assertThat(cancelled.lifecycle().reason()).isEqualTo("Cancelled by API request");
        assertThat(client.results(running.id())
                        .map(r -> RunLifecycle.of(r.getLifecycle()).kind()))
                .containsExactly(
                        RunLifecycle.Kind.COMPLETED,
                        RunLifecycle.Kind.CANCELLED,
                        RunLifecycle.Kind.CANCELLED,
                        RunLifecycle.Kind.CANCELLED,
                        RunLifecycle.Kind.CANCELLED);
    }

    @Test
    void a_created_run_can_be_waited_for_until_it_completes() {
        ExperimentRun created = liveClient.createRun("exp_demo");
        assertThat(RunLifecycle.of(created.getLifecycle()).kind()).isEqualTo(RunLifecycle.Kind.PENDING);

        ExperimentRun done = liveClient.waitForTerminal(created.getId(), Duration.ofSeconds(20));

        assertThat(RunLifecycle.of(done.getLifecycle()).kind()).isEqualTo(RunLifecycle.Kind.COMPLETED);
        assertThat(done.getCompletedDocumentCount()).isEqualTo(5);
        List<ExperimentResult> results = liveClient.results(done.getId()).toList();
        assertThat(results)
                .hasSize(5)
                .allSatisfy(r ->
                        assertThat(RunLifecycle.of(r.getLifecycle()).kind()).isEqualTo(RunLifecycle.Kind.COMPLETED));
        assertThat(liveClient.getResult(results.get(0).getId()).getDocumentId()).isEqualTo("doc_1");
    }

    @Test
    void waiting_gives_up_with_the_last_state_seen() {
        ExperimentRun pending = client.createRun("exp_demo"); // no workers on this server: it stays pending

        ExprunWaitTimeoutException e = (ExprunWaitTimeoutException)
                catchException(() -> client.waitForTerminal(pending.getId(), Duration.ofMillis(400)));

        assertThat(RunLifecycle.of(e.lastSeen().getLifecycle()).kind()).isEqualTo(RunLifecycle.Kind.PENDING);
        assertThatThrownBy(() -> client.waitForTerminal("exprun_nope", Duration.ofMillis(300)))
                .isInstanceOf(ExprunNotFoundException.class);
    }

    @Test
    void iterating_runs_visits_every_one_of_more_than_250_exactly_once() {
        try (TestServer fresh = TestServer.startEmbedded(0)) {
            for (int i = 0; i < 260; i++) {
                fresh.fixtures().runIn(TENANT_A, io.exprun.server.domain.LifecycleStatus.PENDING);
            }
            ExprunClient c = ExprunClient.builder()
                    .baseUrl(fresh.baseUri().toString())
                    .apiKey(KEY_A)
                    .build();

            List<String> newestFirst = c.runs(RunQuery.all().pageSize(25))
                    .map(ExperimentRun::getId)
                    .toList();
            List<String> oldestFirst = c.runs(RunQuery.all().pageSize(100).ascending())
                    .map(ExperimentRun::getId)
                    .toList();

            assertThat(newestFirst).hasSize(260).doesNotHaveDuplicates();
            assertThat(oldestFirst).hasSize(260).doesNotHaveDuplicates();
            assertThat(oldestFirst).containsExactlyElementsOf(reversed(newestFirst));
            assertThat(c.runs(RunQuery.all().status(LifecycleStatus.RUNNING)).count())
                    .isZero();
            assertThat(c.runs(RunQuery.all().pageSize(7)).limit(3).count()).isEqualTo(3);
        }
    }

    @Test
    void a_missing_or_bad_key_is_an_unauthorized_exception() {
        ExprunClient anonymous = ExprunClient.builder()
                .baseUrl(server.baseUri().toString())
                .apiKey(null)
                .build();
        ExprunClient wrong = ExprunClient.builder()
                .baseUrl(server.baseUri().toString())
                .apiKey("wrong")
                .build();

        assertThatThrownBy(() -> anonymous.getRun("exprun_x"))
                .isInstanceOf(ExprunUnauthorizedException.class)
                .satisfies(e -> assertThat(((ExprunException) e).code()).hasValue("unauthorized"));
        assertThatThrownBy(() -> wrong.runs(RunQuery.all()).findFirst())
                .isInstanceOf(ExprunUnauthorizedException.class);
    }

    @Test
    void not_found_and_not_cancellable_are_told_apart() {
        Run completed = server.fixtures().runIn(TENANT_A, io.exprun.server.domain.LifecycleStatus.COMPLETED);

        ExprunNotFoundException missing = catchNotFound(() -> client.cancel("exprun_missing"));
        ExprunNotFoundException terminal = catchNotFound(() -> client.cancel(completed.id()));

        assertThat(missing.code()).hasValue("run_not_found");
        assertThat(missing.isNotCancellable()).isFalse();
        assertThat(terminal.isNotCancellable()).isTrue();
        assertThat(terminal.currentStatus()).hasValue("completed");
        assertThat(terminal.getMessage()).contains("404", "run_not_cancellable");
    }

    @Test
    void an_invalid_request_is_a_validation_exception_listing_each_problem() {
        // no experiment_id at all ("missing" before and after the server's Bean Validation; "" is string_too_short
        // there)
        ExprunValidationException e = (ExprunValidationException) catchException(
                () -> client.createRun(new io.exprun.client.generated.model.CreateExperimentRunRequest()));

        assertThat(e.status()).isEqualTo(422);
        assertThat(e.errors()).singleElement().satisfies(err -> {
            assertThat(err.loc()).containsExactly("body", "experiment_id");
            assertThat(err.type()).isEqualTo("missing");
        });
    }

    @Test
    void runs_of_another_tenant_are_not_found() {
        Run theirs = server.fixtures().runIn("tenant-b", io.exprun.server.domain.LifecycleStatus.RUNNING);

        assertThatThrownBy(() -> client.getRun(theirs.id())).isInstanceOf(ExprunNotFoundException.class);
        Set<String> mine = client.runs(RunQuery.all().pageSize(100))
                .map(ExperimentRun::getId)
                .collect(Collectors.toSet());
        assertThat(mine).doesNotContain(theirs.id());
    }

    @Test
    void an_experiment_goes_through_create_get_list_update_a_run_a_refused_delete_and_a_delete() {
        // no workers on this server: the run stays pending, so the first delete meets it active
        WorkflowExperiment created = client.createExperiment(new CreateExperimentRequest()
                .workflowId("wf_client_test")
                .name("client test")
                .sourceExperimentId("exp_demo"));
        String id = created.getId();
        assertThat(created.getDocumentCount()).isEqualTo(5);

        assertThat(client.getExperiment(id).getName()).isEqualTo("client test");
        assertThat(client.experiments(ExperimentQuery.all()
                                .workflowId("wf_client_test")
                                .pageSize(1))
                        .map(WorkflowExperiment::getId))
                .containsExactly(id);
        assertThat(client.experiments(ExperimentQuery.all().pageSize(1)).map(WorkflowExperiment::getId))
                .contains(id, "exp_demo", "exp_classify");
        WorkflowExperiment renamed = client.updateExperiment(id, new UpdateExperimentRequest().name("renamed"));
        assertThat(renamed.getName()).isEqualTo("renamed");
        assertThat(client.getExperiment(id).getName()).isEqualTo("renamed");

        ExperimentRun run = client.createRun(new CreateExperimentRunRequest().experimentId(id));
        ExprunConflictException conflict = (ExprunConflictException) catchException(() -> client.deleteExperiment(id));
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.hasActiveRun()).isTrue();
        assertThat(conflict.runId()).hasValue(run.getId());
        assertThat(conflict.runStatus()).hasValue("pending");
        assertThat(client.getExperiment(id).getLastRunId()).isEqualTo(run.getId());

        client.cancel(run.getId());
        client.deleteExperiment(id);

        ExprunNotFoundException gone = catchNotFound(() -> client.getExperiment(id));
        assertThat(gone.code()).hasValue("experiment_not_found");
        assertThat(RunLifecycle.of(client.getRun(run.getId()).getLifecycle()).kind())
                .as("a deleted experiment's runs stay")
                .isEqualTo(RunLifecycle.Kind.CANCELLED);
        assertThat(catchNotFound(() -> client.deleteExperiment(id)).code()).hasValue("experiment_not_found");
    }

    @Test
    void creating_an_experiment_twice_with_one_key_gives_one_experiment() {
        CreateExperimentRequest request =
                new CreateExperimentRequest().workflowId("wf_idem").sourceExperimentId("exp_demo");
        String key = "client-test-" + System.nanoTime();

        WorkflowExperiment first = client.createExperiment(request, key);
        WorkflowExperiment again = client.createExperiment(request, key);

        assertThat(again.getId()).isEqualTo(first.getId());
        assertThat(client.experiments(ExperimentQuery.all().workflowId("wf_idem")))
                .hasSize(1);
    }

    @Test
    void experiments_of_another_tenant_are_not_found() {
        ExprunClient other = ExprunClient.builder()
                .baseUrl(server.baseUri().toString())
                .apiKey(KEY_B)
                .build();
        WorkflowExperiment mine = client.createExperiment(
                new CreateExperimentRequest().workflowId("wf_tenancy").sourceExperimentId("exp_demo"));

        assertThat(catchNotFound(() -> other.getExperiment(mine.getId())).code())
                .hasValue("experiment_not_found");
        assertThat(catchNotFound(() -> other.updateExperiment(mine.getId(), new UpdateExperimentRequest().name("x")))
                        .code())
                .hasValue("experiment_not_found");
        assertThat(catchNotFound(() -> other.deleteExperiment(mine.getId())).code())
                .hasValue("experiment_not_found");
        assertThat(other.experiments(ExperimentQuery.all().pageSize(100)).map(WorkflowExperiment::getId))
                .doesNotContain(mine.getId())
                .contains("exp_demo"); // its own copy of the catalog's
        assertThat(client.getExperiment(mine.getId()).getName()).isEqualTo(mine.getName());
    }

    private static List<String> reversed(List<String> ids) {
        List<String> copy = new java.util.ArrayList<>(ids);
        java.util.Collections.reverse(copy);
        return copy;
    }

    private static ExprunNotFoundException catchNotFound(Runnable r) {
        return (ExprunNotFoundException) catchException(r);
    }

    private static ExprunException catchException(Runnable r) {
        try {
            r.run();
        } catch (ExprunException e) {
            return e;
        }
        throw new AssertionError("expected an ExprunException");
    }
}
