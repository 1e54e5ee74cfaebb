package io.exprun.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.RunFixtures;
import io.exprun.server.testing.ServerProcess;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A caller's CR/LF can never start a log line of its own: every log line begins with our timestamp. */
class LogForgingTest {

    private static final String LINE_START = "^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*";

    @Test
    void crlf_in_path_query_and_request_id_never_starts_a_line_in_the_shipped_log_configuration() throws Exception {
        Path work = Files.createTempDirectory("exprun-logforging-");
        Map<String, String> env =
                Map.of("EXPRUN_DB_URL", "jdbc:sqlite:" + work.resolve("exprun.db"), "EXPRUN_WORKERS", "0");
        // the production logback.xml (async console appender), not the tests' configuration
        try (ServerProcess server =
                ServerProcess.start(env, work, List.of("-Dlogback.configurationFile=logback.xml"))) {
            Http api = new Http(server.baseUri(), RunFixtures.KEY_A);
            api.raw("GET", "/v1/workflows/experiments/runs/abc%0D%0AFORGED-path");
            api.raw("GET", "/v1/workflows/experiments/runs?workflow_id=%0D%0AFORGED-query");
            api.raw(
                    "GET",
                    "/v1/workflows/experiments/runs",
                    "Authorization: Bearer " + RunFixtures.KEY_A + "\r\nX-Request-Id: a%0D%0AFORGED-header\r\n");
            api.raw("GET", "/v1/workflows/experiments/runs/%0AFORGED-bare-lf");

            List<String> lines = await().atMost(Duration.ofSeconds(20))
                    .until(
                            server::output,
                            out -> out.stream()
                                            .filter(l -> l.contains("exprun.access"))
                                            .count()
                                    >= 4);

            assertThat(lines.stream().filter(l -> l.contains("FORGED")))
                    .hasSizeGreaterThanOrEqualTo(2)
                    .allMatch(l -> l.matches(LINE_START), "starts with the log's own timestamp");
            assertThat(lines).noneMatch(l -> l.stripLeading().startsWith("FORGED"));
        }
    }

    @Test
    void messages_and_exception_messages_are_written_with_escapes() throws Exception {
        Path file = Files.createTempFile("exprun-log-", ".log");
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // a bare context has none
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(context);
        // the conversion rules and pattern exactly as logback.xml declares them, writing to a file we can read
        joran.doConfigure(new ByteArrayInputStream(("""
                <configuration>
                  <conversionRule conversionWord="escapedMsg" class="io.exprun.server.ops.LogEscaping$Message"/>
                  <conversionRule conversionWord="escapedEx" class="io.exprun.server.ops.LogEscaping$Throwable"/>
                  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
                    <file>%s</file>
                    <encoder><pattern>%%d{HH:mm:ss.SSS} %%-5level [%%thread] %%logger{20} - %%escapedMsg%%n%%escapedEx</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="FILE"/></root>
                </configuration>
                """).formatted(file).getBytes(StandardCharsets.UTF_8)));
        Logger log = context.getLogger("test");

        log.error(
                "run {} not found",
                "abc\r\nFORGED-msg\u0000",
                new IllegalStateException("boom\nFORGED-ex", new RuntimeException("cause\r\nFORGED-cause")));
        context.stop();
        String written = Files.readString(file);

        assertThat(written).contains("abc\\r\\nFORGED-msg\\u0000", "boom\\nFORGED-ex", "cause\\r\\nFORGED-cause");
        assertThat(written.lines()).noneMatch(l -> l.stripLeading().startsWith("FORGED"));
        assertThat(written.lines().findFirst())
                .hasValueSatisfying(l -> assertThat(l).matches(LINE_START));
    }
}
