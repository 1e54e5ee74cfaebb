package io.exprun.server.api;

import static io.exprun.server.testing.RunFixtures.KEY_B;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static io.exprun.server.testing.RunFixtures.TENANT_B;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.testing.Http;
import java.net.http.HttpRequest;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * POST /runs/{id}/cancel: what a cancel does and when it is refused. Runs once per database: see
 * {@link RunsApiOnSqliteTest} and {@link RunsApiOnPostgresTest}.
 */
abstract class CancelRunContractTest extends RunsApiContract {

    @ParameterizedTest
    @EnumSource(
            value = LifecycleStatus.class,
            names = {"PENDING", "QUEUED", "RUNNING"})
    void cancelling_a_cancellable_run_returns_200_and_cancels_its_unfinished_results(LifecycleStatus state) {
        Run run = fx.runIn(TENANT_A, state);
        Map<String, String> before = resultStatuses(run.id());

        Http.Answer answer = api.post(RUNS + "/" + run.id() + "/cancel");

        assertThat(answer.status()).isEqualTo(200);
        JsonNode body = answer.json();
        assertThat(body.get("id").asText()).isEqualTo(run.id());
        assertThat(body.at("/lifecycle/status").asText()).isEqualTo("cancelled");
        assertThat(body.at("/lifecycle/reason").asText()).isEqualTo("Cancelled by API request");
        assertThat(OffsetDateTime.parse(body.at("/timing/completed_at").asText())
                        .getOffset())
                .isEqualTo(ZoneOffset.UTC);
        assertThat(api.get(RUNS + "/" + run.id()).lifecycleStatus()).isEqualTo("cancelled");
        Map<String, String> after = resultStatuses(run.id());
        before.forEach((id, was) -> assertThat(after.get(id))
                .as("result %s was %s", id, was)
                .isEqualTo(was.equals("completed") ? "completed" : "cancelled"));
    }

    @ParameterizedTest
    @EnumSource(
            value = LifecycleStatus.class,
            names = {"COMPLETED", "ERROR", "CANCELLED"})
    void cancelling_a_terminal_run_returns_404_not_cancellable_with_its_status(LifecycleStatus state) {
        Run run = fx.runIn(TENANT_A, state);
        String runBefore = api.get(RUNS + "/" + run.id()).body();

        Http.Answer answer = api.post(RUNS + "/" + run.id() + "/cancel");

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.errorCode()).isEqualTo("run_not_cancellable");
        assertThat(answer.json().at("/detail/details/status").asText()).isEqualTo(state.wire());
        assertThat(answer.json().at("/detail/message").asText()).contains(state.wire());
        assertThat(api.get(RUNS + "/" + run.id()).body()).isEqualTo(runBefore);
    }

    @Test
    void cancelling_twice_returns_404_not_cancellable_the_second_time() {
        Run run = fx.runIn(TENANT_A, LifecycleStatus.RUNNING);
        assertThat(api.post(RUNS + "/" + run.id() + "/cancel").status()).isEqualTo(200);

        Http.Answer second = api.post(RUNS + "/" + run.id() + "/cancel");

        assertThat(second.status()).isEqualTo(404);
        assertThat(second.errorCode()).isEqualTo("run_not_cancellable");
        assertThat(second.json().at("/detail/details/status").asText()).isEqualTo("cancelled");
    }

    @Test
    void cancelling_an_unknown_run_returns_404_not_found() {
        Http.Answer answer = api.post(RUNS + "/exprun_does_not_exist/cancel");

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.errorCode()).isEqualTo("run_not_found");
    }

    @Test
    void cancelling_another_tenants_run_returns_404_like_a_missing_run_and_changes_nothing() {
        Run theirs = fx.runIn(TENANT_B, LifecycleStatus.RUNNING);
        Http b = api.as(KEY_B);
        String before = b.get(RUNS + "/" + theirs.id()).body();

        Http.Answer answer = api.post(RUNS + "/" + theirs.id() + "/cancel");

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.errorCode()).isEqualTo("run_not_found");
        assertThat(b.get(RUNS + "/" + theirs.id()).body()).isEqualTo(before);
        assertThat(api.get(RUNS + "/" + theirs.id()).errorCode()).isEqualTo("run_not_found");
        assertThat(api.get(RESULTS + "?run_id=" + theirs.id()).json().get("data"))
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"no body", "no body, json content type", "empty json object"})
    void every_cancel_request_style_real_clients_send_is_accepted(String style) {
        Run run = fx.runIn(TENANT_A, LifecycleStatus.RUNNING);
        HttpRequest.Builder request = api.builder(RUNS + "/" + run.id() + "/cancel");
        switch (style) {
            case "no body" -> request.POST(HttpRequest.BodyPublishers.noBody());
            case "no body, json content type" ->
                request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.noBody());
            default ->
                request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"));
        }

        Http.Answer answer = api.send(request);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.lifecycleStatus()).isEqualTo("cancelled");
    }

    @Test
    void a_result_of_a_cancelled_run_carries_the_runs_reason() {
        Run run = fx.cancelledRun(TENANT_A, null);
        JsonNode results = api.get(RESULTS + "?run_id=" + run.id()).json().get("data");

        assertThat(results).hasSize(5);
        for (JsonNode r : results) {
            String status = r.at("/lifecycle/status").asText();
            assertThat(status).isIn("completed", "cancelled");
            if (status.equals("cancelled")) {
                assertThat(r.get("lifecycle").has("reason")).isTrue();
                assertThat(r.at("/lifecycle/reason").isNull()).isTrue();
            }
        }
        JsonNode lifecycle = api.get(RUNS + "/" + run.id()).json().get("lifecycle");
        assertThat(lifecycle.get("reason").isNull()).isTrue();
    }

    @Test
    void cancelling_a_run_with_thousands_of_pending_results_cancels_every_one_of_them() {
        Run run = fx.runWithPendingResults(TENANT_A, 2_500);

        assertThat(api.post(RUNS + "/" + run.id() + "/cancel").status()).isEqualTo(200);

        int seen = 0;
        String after = null;
        do {
            JsonNode page = api.get(
                            RESULTS + "?run_id=" + run.id() + "&limit=100" + (after == null ? "" : "&after=" + after))
                    .json();
            for (JsonNode r : page.get("data")) {
                assertThat(r.at("/lifecycle/status").asText()).isEqualTo("cancelled");
                assertThat(r.at("/lifecycle/reason").asText()).isEqualTo("Cancelled by API request");
                assertThat(r.at("/timing/completed_at").asText()).isNotEmpty();
                seen++;
            }
            after = page.at("/list_metadata/after").isNull()
                    ? null
                    : page.at("/list_metadata/after").asText();
        } while (after != null);
        assertThat(seen).isEqualTo(2_500);
    }
}
