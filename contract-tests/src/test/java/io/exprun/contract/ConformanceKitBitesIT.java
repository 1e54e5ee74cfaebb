package io.exprun.contract;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.server.testing.FaultyProxy;
import io.exprun.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Negative controls of the conformance kit: against an exprun made wrong in exactly one way (a {@link FaultyProxy}
 * in front of a real one) it exits 1 and names the check that catches that fault. The untouched proxy passes, so
 * each failure comes from the fault alone. A false pass is the worst outcome this tool can have.
 */
class ConformanceKitBitesIT {

    private static TestServer exprun;

    @BeforeAll
    static void start() {
        exprun = TestServer.start(TestServer.embeddedConfig(2).withSimulation(300, 0));
    }

    @AfterAll
    static void stop() {
        exprun.close();
    }

    private static KitRun kitBehind(FaultyProxy.Fault fault) throws Exception {
        try (FaultyProxy proxy = new FaultyProxy(exprun.baseUri(), fault, KEY_A)) {
            return KitRun.against(proxy.baseUrl(), "fault-" + fault.name().toLowerCase());
        }
    }

    @Test
    void the_untouched_proxy_passes_so_each_failure_below_is_its_fault() throws Exception {
        KitRun kit = kitBehind(FaultyProxy.Fault.NONE);

        assertThat(kit.exit()).as(kit.console()).isZero();
        assertThat(kit.cases("failed")).isEmpty();
    }

    @Test
    void a_server_answering_canceled_fails_the_cancel_check_and_the_schema() throws Exception {
        KitRun kit = kitBehind(FaultyProxy.Fault.CANCELED_SPELLING);

        assertThat(kit.exit()).isEqualTo(1);
        assertThat(kit.cases("failed"))
                .anySatisfy(c -> assertThat(c)
                        .startsWith("[cancel] cancel_experiment_run of an active run → 200 with the cancelled variant")
                        .contains("'canceled'"))
                .anySatisfy(c -> assertThat(c)
                        .startsWith("[schema] cancel_experiment_run → 200")
                        .contains("'canceled' is not a variant of WorkflowExperimentRunLifecycle"));
        assertThat(kit.console()).contains("FAILED");
    }

    @Test
    void a_server_answering_200_to_a_second_cancel_fails_the_second_cancel_check() throws Exception {
        KitRun kit = kitBehind(FaultyProxy.Fault.SECOND_CANCEL_200);

        assertThat(kit.exit()).isEqualTo(1);
        assertThat(kit.cases("failed"))
                .singleElement()
                .asString()
                .startsWith("[cancel] second cancel → 404 run_not_cancellable with status cancelled")
                .contains("expected 404 run_not_cancellable, got POST");
    }

    @Test
    void a_server_omitting_status_fails_the_schema_of_every_answer_with_a_lifecycle() throws Exception {
        KitRun kit = kitBehind(FaultyProxy.Fault.NO_STATUS);

        assertThat(kit.exit()).isEqualTo(1);
        assertThat(kit.cases("failed"))
                .anySatisfy(c -> assertThat(c)
                        .startsWith("[schema] get_experiment_run → 200")
                        .contains("no 'status' (the discriminator of WorkflowExperimentRunLifecycle"))
                .anySatisfy(c -> assertThat(c)
                        .startsWith("[schema] list_experiment_results → 200")
                        .contains("no 'status' (the discriminator of WorkflowExperimentResultLifecycle"));
    }

    @Test
    void a_server_leaking_a_run_across_tenants_fails_the_tenancy_check() throws Exception {
        KitRun kit = kitBehind(FaultyProxy.Fault.TENANT_LEAK);

        assertThat(kit.exit()).isEqualTo(1);
        assertThat(kit.cases("failed"))
                .singleElement()
                .asString()
                .startsWith("[tenancy] other tenant: get_experiment_run of the run → 404 run_not_found")
                .contains("the other tenant can see the run");
    }

    @Test
    void a_server_answering_204_to_a_delete_while_a_run_is_active_fails_that_check() throws Exception {
        KitRun kit = kitBehind(FaultyProxy.Fault.DELETE_WHILE_ACTIVE_204);

        assertThat(kit.exit()).isEqualTo(1);
        assertThat(kit.cases("failed"))
                .singleElement()
                .asString()
                .startsWith("[experiments] delete_experiment while its run is active → 409 experiment_has_active_run")
                .contains("expected 409 experiment_has_active_run, got DELETE")
                .containsPattern("the run exprun_\\w+ reads (pending|queued|running)");
    }

    @Test
    void a_server_answering_404_to_a_delete_while_a_run_is_active_fails_that_check() throws Exception {
        KitRun kit = kitBehind(FaultyProxy.Fault.DELETE_WHILE_ACTIVE_404);

        assertThat(kit.exit()).isEqualTo(1);
        assertThat(kit.cases("failed"))
                .singleElement()
                .asString()
                .startsWith("[experiments] delete_experiment while its run is active → 409 experiment_has_active_run")
                .contains("→ 404 ", "experiment_not_found");
    }

    @Test
    void a_server_ignoring_the_idempotency_key_fails_the_repeated_create() throws Exception {
        KitRun kit = kitBehind(FaultyProxy.Fault.IDEMPOTENCY_KEY_DROPPED);

        assertThat(kit.exit()).isEqualTo(1);
        assertThat(kit.cases("failed"))
                .singleElement()
                .asString()
                .startsWith("[experiments] create_experiment again with the same Idempotency-Key and body → the same")
                .contains("the repeat created another experiment");
        // the second experiment is the kit's too: deleted at the end (the third, the validators', deleted by its check)
        assertThat(kit.report().at("/side_effects/created_experiments").size()).isEqualTo(3);
        assertThat(kit.report().at("/side_effects/experiments_deleted_at_end").asInt())
                .isEqualTo(1);
    }

    @Test
    void a_server_showing_an_experiment_to_another_tenant_fails_the_tenancy_check() throws Exception {
        KitRun kit = kitBehind(FaultyProxy.Fault.EXPERIMENT_TENANT_LEAK);

        assertThat(kit.exit()).isEqualTo(1);
        assertThat(kit.cases("failed"))
                .singleElement()
                .asString()
                .startsWith("[tenancy] other tenant: get_experiment of the experiment → 404 experiment_not_found")
                .contains("the other tenant can see the experiment");
    }

    @Test
    void a_server_answering_500_to_bad_input_fails_the_negative_checks_and_the_schema() throws Exception {
        KitRun kit = kitBehind(FaultyProxy.Fault.SERVER_ERROR_ON_BAD_INPUT);

        assertThat(kit.exit()).isEqualTo(1);
        assertThat(kit.cases("failed"))
                .anySatisfy(c -> assertThat(c)
                        .startsWith("[negative] list_experiment_runs: query limit=0 (below minimum 1) → 422")
                        .contains("expected 422, got GET"))
                .anySatisfy(
                        c -> assertThat(c).startsWith("[negative] create_experiment_run: body malformed JSON → 422"))
                .anySatisfy(c -> assertThat(c)
                        .startsWith("[schema] list_experiment_runs → 500")
                        .contains("status not declared"));
        assertThat(kit.cases("failed")).allSatisfy(c -> assertThat(c).matches("(?s)\\[(negative|schema)].*"));
    }

    @Test
    void a_server_whose_etag_does_not_change_on_a_transition_fails_the_validator_checks() throws Exception {
        KitRun kit = kitBehind(FaultyProxy.Fault.STALE_ETAG);

        assertThat(kit.exit()).isEqualTo(1);
        assertThat(kit.cases("failed"))
                .anySatisfy(c -> assertThat(c)
                        .startsWith("[validators] a transition (cancel) gives the run another ETag")
                        .contains("an ETag that does not change on a transition"))
                .allSatisfy(c -> assertThat(c).startsWith("[validators]"));
    }
}
