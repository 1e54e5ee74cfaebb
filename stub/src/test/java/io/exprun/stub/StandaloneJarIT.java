package io.exprun.stub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code java -jar target/exprun-stub.jar}, as a consumer team runs it (integration-test phase: needs the packaged jar). */
class StandaloneJarIT {

    @Test
    void java_jar_serves_the_chosen_scenario_on_the_given_port_and_switches_scenarios_over_the_admin_api()
            throws Exception {
        Path jar = Path.of(System.getProperty("exprun.stubJar"));
        assertThat(jar).exists();
        Process stub = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        jar.toString(),
                        "--port",
                        "0",
                        "--scenario",
                        "run_error")
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(stub.getInputStream(), StandardCharsets.UTF_8));
            Matcher listening = null;
            for (String line; (line = out.readLine()) != null; ) {
                Matcher m = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)")
                        .matcher(line);
                if (m.find()) {
                    listening = m;
                    break;
                }
            }
            assertThat(listening).as("the banner naming the URL").isNotNull();
            HttpResponse<String> run = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            URI.create(listening.group(1) + "/v1/workflows/experiments/runs/exprun_5"))
                                    .header("Authorization", "Bearer " + ExprunStubServer.DEFAULT_API_KEY)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());

            assertThat(run.statusCode()).isEqualTo(200);
            assertThat(run.body()).contains("\"id\":\"exprun_5\"", "\"status\":\"error\"");

            HttpResponse<String> switched = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            URI.create(listening.group(1) + "/__admin/exprun/scenarios/run_not_found"))
                                    .POST(HttpRequest.BodyPublishers.noBody())
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> gone = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            URI.create(listening.group(1) + "/v1/workflows/experiments/runs/exprun_5"))
                                    .header("Authorization", "Bearer " + ExprunStubServer.DEFAULT_API_KEY)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(switched.body()).isEqualTo("{\"scenario\":\"RUN_NOT_FOUND\"}");
            assertThat(gone.statusCode()).isEqualTo(404);
            assertThat(gone.body()).contains("run_not_found");
        } finally {
            stub.destroy();
            assertThat(stub.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void an_unknown_scenario_is_one_line_of_usage_and_exit_code_2() throws Exception {
        Path jar = Path.of(System.getProperty("exprun.stubJar"));
        Process stub = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        jar.toString(),
                        "--scenario",
                        "nope")
                .redirectErrorStream(true)
                .start();
        String printed = new String(stub.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(stub.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(stub.exitValue()).isEqualTo(2);
        assertThat(printed)
                .contains("exprun-stub: No enum constant", "usage: java -jar exprun-stub.jar")
                .doesNotContain("\tat ");
        assertThat(Files.size(jar)).isPositive();
    }
}
