package io.exprun.server.edge;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.testing.ExprunServerTest;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.Prerequisites;
import io.exprun.server.testing.TestServer;
import io.exprun.stockclient.ApiClient;
import io.exprun.stockclient.api.ExperimentRunsApi;
import io.exprun.stockclient.model.CancelledWorkflowExperimentRun;
import io.exprun.stockclient.model.CreateExperimentRunRequest;
import io.exprun.stockclient.model.ExperimentRun;
import io.exprun.stockclient.model.ExperimentRunList;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 32: every HTTP client a JVM team uses is answered at once. On Grizzly, {@code HttpClient.newHttpClient()}, which
 * prefers HTTP/2 and on {@code http://} asks for it with {@code Upgrade: h2c}, waited 10 s for a 408 on every request;
 * so did the client OpenAPI Generator's native library makes of exprun's own spec, {@code curl --http2} and any other
 * {@code Upgrade}. exprun now offers HTTP/2 cleartext (upgrade and prior knowledge) and ignores an upgrade it does not
 * take. "At once" is a bound no busy machine reaches (2 s), far under the old 10 s stall: the answers here take
 * milliseconds.
 */
@ExprunServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EveryClientTest {

    private static final Duration AT_ONCE = Duration.ofSeconds(2);
    private static final String RUNS = "/v1/workflows/experiments/runs";
    private static final String CREATE = "{\"experiment_id\":\"exp_demo\"}";

    private TestServer server;

    @BeforeAll
    void start() {
        Http warm = new Http(server.baseUri(), KEY_A); // a warm server: the JIT has seen each operation once
        String id = warm.postJson(RUNS, CREATE).json().path("id").asText();
        warm.get(RUNS + "/" + id);
        warm.get(RUNS + "?limit=1");
        warm.post(RUNS + "/" + id + "/cancel");
    }

    @Test
    void the_jdk_clients_defaults_get_create_get_list_and_cancel_answered_over_http2_at_once() throws Exception {
        HttpClient jdk = HttpClient.newHttpClient(); // no version pinned: HTTP/2, asked for by upgrade on http://

        HttpResponse<String> created =
                timed(() -> send(jdk, request(RUNS).POST(HttpRequest.BodyPublishers.ofString(CREATE))));
        String id = answer(created).json().path("id").asText();
        HttpResponse<String> got =
                timed(() -> send(jdk, request(RUNS + "/" + id).GET()));
        HttpResponse<String> listed =
                timed(() -> send(jdk, request(RUNS + "?limit=5").GET()));
        HttpResponse<String> cancelled =
                timed(() -> send(jdk, request(RUNS + "/" + id + "/cancel").POST(HttpRequest.BodyPublishers.noBody())));

        for (HttpResponse<String> r : List.of(created, got, listed, cancelled)) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        assertThat(id).startsWith("exprun_");
        assertThat(answer(got).json().path("id").asText()).isEqualTo(id);
        assertThat(answer(listed).json().path("data").findValuesAsText("id")).contains(id);
        assertThat(answer(cancelled).lifecycleStatus()).isEqualTo("cancelled");
        // the bodiless requests come after the connection was upgraded (the first request asked): all over HTTP/2
        assertThat(List.of(got.version(), listed.version(), cancelled.version()))
                .containsOnly(HttpClient.Version.HTTP_2);
    }

    @Test
    void a_client_generated_from_the_spec_with_the_native_library_and_stock_options_works() throws Exception {
        ApiClient client = new ApiClient();
        client.updateBaseUri(server.baseUri().toString().replaceAll("/$", ""));
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + KEY_A));
        ExperimentRunsApi runs = new ExperimentRunsApi(client);
        String running =
                server.fixtures().runIn(TENANT_A, LifecycleStatus.RUNNING).id();

        ExperimentRun created =
                timed(() -> runs.createExperimentRun(new CreateExperimentRunRequest().experimentId("exp_demo"), null));
        ExperimentRun got = timed(() -> runs.getExperimentRun(created.getId(), null, null, null));
        ExperimentRunList listed = timed(() ->
                runs.listExperimentRuns(null, null, null, null, null, null, null, null, null, null, null, 100, null));
        var cancelled = timed(() -> runs.cancelExperimentRun(running));

        assertThat(created.getExperimentId()).isEqualTo("exp_demo");
        assertThat(got.getId()).isEqualTo(created.getId());
        assertThat(listed.getData()).extracting(ExperimentRun::getId).contains(created.getId(), running);
        assertThat(cancelled.getId()).isEqualTo(running);
        assertThat(cancelled.getLifecycle().getActualInstance()).isInstanceOf(CancelledWorkflowExperimentRun.class);
    }

    @Test
    void curl_with_http2_by_upgrade_or_by_prior_knowledge_is_answered_over_http2_at_once() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/curl"))) {
            Prerequisites.missing(System.getenv("CI"), "EveryClientTest needs curl (apt-get install curl)", System.out);
        }
        for (String http2 : List.of("--http2", "--http2-prior-knowledge")) {
            List<String> answer =
                    timed(() -> curl(http2, "-H", "Authorization: Bearer " + KEY_A, url(RUNS + "?limit=1")));
            assertThat(answer).as(http2).first().isEqualTo("200 2"); // status, HTTP version
            assertThat(answer.get(1)).as(http2).contains("\"list_metadata\"");
        }
    }

    @Test
    void an_upgrade_the_server_does_not_take_is_ignored_and_the_request_answered_over_http_1_1() throws Exception {
        String request = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, close\r\nUpgrade: websocket\r\n\r\n";

        String answer = timed(() -> exchange(request));

        assertThat(answer).startsWith("HTTP/1.1 200 ").contains("{\"status\":\"ok\"}");
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(server.baseUri().resolve(path.substring(1)))
                .header("Authorization", "Bearer " + KEY_A)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30));
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Http.Answer answer(HttpResponse<String> r) {
        return new Http.Answer(r.statusCode(), r.body(), r.headers());
    }

    private String url(String path) {
        return server.baseUri().resolve(path.substring(1)).toString();
    }

    /** curl's "status version" line, then the body. */
    private static List<String> curl(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
        command.addAll(List.of(args));
        command.addAll(List.of("-w", "\n%{http_code} %{http_version}"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        int split = out.lastIndexOf('\n');
        return List.of(out.substring(split + 1).strip(), out.substring(0, Math.max(split, 0)));
    }

    private String exchange(String request) throws IOException {
        try (Socket socket = new Socket(server.baseUri().getHost(), server.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** Calls {@code call} and checks it was answered {@link #AT_ONCE}. */
    private static <T> T timed(Callable<T> call) throws Exception {
        long started = System.nanoTime();
        T result = call.call();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(AT_ONCE);
        return result;
    }
}
