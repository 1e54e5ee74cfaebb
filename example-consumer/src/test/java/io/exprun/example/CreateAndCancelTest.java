package io.exprun.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.client.ExprunClient;
import io.exprun.server.testing.RunFixtures;
import io.exprun.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CreateAndCancelTest {

    @Test
    void the_example_creates_a_run_cancels_it_and_prints_every_lifecycle() {
        try (TestServer server = TestServer.startEmbedded(0)) {
            ExprunClient client = ExprunClient.builder()
                    .baseUrl(server.baseUri().toString())
                    .apiKey(RunFixtures.KEY_A)
                    .build();
            ByteArrayOutputStream printed = new ByteArrayOutputStream();

            CreateAndCancel.run(client, "exp_demo", new PrintStream(printed, true, StandardCharsets.UTF_8));

            String out = printed.toString(StandardCharsets.UTF_8);
            assertThat(out)
                    .contains("created exprun_")
                    .contains(": pending")
                    .contains("cancelled (Cancelled by API request)")
                    .contains("now cancelled (Cancelled by API request)")
                    .contains("  doc_5: cancelled (Cancelled by API request)");
        }
    }
}
