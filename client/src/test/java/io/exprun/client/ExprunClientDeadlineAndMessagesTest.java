package io.exprun.client;

import static io.exprun.client.ExprunClientResilienceTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One HttpClient per client, the overall deadline of a retried call, and error messages that carry the server's detail. */
@SuppressWarnings("removal") // it pins the flat methods of 0.2, kept as deprecated delegates until 0.4
class ExprunClientDeadlineAndMessagesTest {

    private ScriptedServer server;

    @BeforeEach
    void start() throws IOException {
        server = ScriptedServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ExprunClient.Builder client() {
        return ExprunClient.builder().baseUrl(server.url()).apiKey("k1");
    }

    @Test
    void both_generated_apis_share_the_clients_one_http_client_and_its_connection() {
        ExprunClient client = client().build();
        server.then(200, run("extract", "{\"status\":\"running\"}"), null);
        server.then(200, """
                {"id":"expres_1","experiment_run_id":"exprun_1","experiment_id":"exp","document_id":"doc_1",
                 "lifecycle":{"status":"pending"},"timing":{},"block_type":"extract"}""", null);

        client.getRun("exprun_1"); // ExperimentRunsApi
        client.getResult("expres_1"); // ExperimentResultsApi

        assertThat(client.apiClient().getHttpClient())
                .isSameAs(client.apiClient().getHttpClient());
        assertThat(server.clientPorts())
                .hasSize(2)
                .containsOnly(server.clientPorts().get(0));
    }

    @Test
    void retries_stop_at_the_deadline_even_when_attempts_are_left() {
        ExprunClient client = client().retries(10, Duration.ofMillis(10), Duration.ofMillis(10))
                .deadline(Duration.ofMillis(1500))
                .build();
        for (int i = 0; i < 10; i++) {
            server.then(503, "{\"detail\":{\"code\":\"unavailable\",\"message\":\"busy\"}}", "1");
        }

        assertThatThrownBy(() -> client.getRun("exprun_1"))
                .isInstanceOfSatisfying(
                        ExprunServerException.class,
                        e -> assertThat(e.getMessage())
                                .contains("503", "busy", "gave up after 2 attempts", "PT1.5S deadline"));
        // the attempt count is the proof (a third would have started after the deadline); elapsed time is not
        // asserted, a loaded machine stretches it
        assertThat(server.requests()).hasSize(2);
    }

    @Test
    void a_request_in_flight_waits_no_longer_than_the_deadline() {
        ExprunClient client = client().requestTimeout(Duration.ofSeconds(30))
                .deadline(Duration.ofMillis(400))
                .build();
        long start = System.nanoTime();

        assertThatThrownBy(() -> client.getRun("exprun_1")) // the script is empty: the server never answers
                .isInstanceOfSatisfying(ExprunConnectionException.class, e -> {
                    assertThat(e.isTimeout()).isTrue();
                    assertThat(e.getMessage()).contains(server.url());
                });
        // at least the deadline, far less than the 30 s request timeout
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofMillis(350), Duration.ofSeconds(20));
    }

    @Test
    void a_retry_after_longer_than_the_time_left_is_not_waited_for() {
        ExprunClient client = client().deadline(Duration.ofMillis(300)).build();
        server.then(429, "{\"detail\":\"slow down\"}", "3600");
        assertThatThrownBy(() -> client.getRun("exprun_1"))
                .isInstanceOfSatisfying(
                        ExprunRateLimitedException.class,
                        e -> assertThat(e.retryAfter()).hasValue(Duration.ofHours(1)));
        assertThat(server.requests()).hasSize(1); // and the test did not take an hour
    }

    @Test
    void the_default_deadline_is_two_minutes_and_must_be_positive() {
        assertThat(client().build().deadline()).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> ExprunClient.builder().deadline(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_422_message_lists_each_field_error() {
        server.then(422, """
                {"detail":[{"loc":["query","limit"],"msg":"Input should be less than or equal to 100","type":"less_than_equal"},
                           {"loc":["query","order"],"msg":"Input should be 'asc' or 'desc'","type":"enum"}]}""", null);

        assertThatThrownBy(() -> client().build().listRuns(RunQuery.all().pageSize(500), null))
                .isInstanceOfSatisfying(ExprunValidationException.class, e -> {
                    assertThat(e.getMessage())
                            .isEqualTo("list runs failed: 422: query.limit: Input should be less than "
                                    + "or equal to 100; query.order: Input should be 'asc' or 'desc'");
                    assertThat(e.errors()).hasSize(2);
                });
    }

    @Test
    void a_404_message_carries_the_code_and_the_servers_message() {
        server.then(
                404,
                "{\"detail\":{\"code\":\"run_not_cancellable\",\"message\":\"run exprun_1 is completed\","
                        + "\"details\":{\"status\":\"completed\"}}}",
                null);

        assertThatThrownBy(() -> client().build().cancel("exprun_1"))
                .hasMessage("cancel run failed: 404 run_not_cancellable: run exprun_1 is completed");
    }
}
