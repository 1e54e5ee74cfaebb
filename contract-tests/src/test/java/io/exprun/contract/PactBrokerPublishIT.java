package io.exprun.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * With PACT_BROKER_BASE_URL (and PACT_BROKER_TOKEN) set, publishes the pacts the consumer tests wrote to the broker
 * (the broker's documented {@code PUT /pacts/provider/{p}/consumer/{c}/version/{v}}); {@link
 * ProviderVerificationFromBrokerIT} then verifies from the broker. Without a broker this does nothing, and the
 * folder is the source. (The pact-jvm Maven plugin is not served by this workplace's registry, hence this small step.)
 */
@EnabledIfEnvironmentVariable(named = "PACT_BROKER_BASE_URL", matches = ".+")
class PactBrokerPublishIT {

    @Test
    void the_consumer_pacts_are_published_to_the_broker() throws Exception {
        String broker = System.getenv("PACT_BROKER_BASE_URL").replaceAll("/+$", "");
        String version = System.getProperty("exprun.consumerVersion", "0.1.0");
        List<Path> pacts;
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("exprun.pacts", "target/pacts")))) {
            pacts = files.filter(p -> p.toString().endsWith(".json")).toList();
        }
        assertThat(pacts).isNotEmpty();
        for (Path pact : pacts) {
            assertThat(publish(broker, System.getenv("PACT_BROKER_TOKEN"), version, Files.readString(pact)))
                    .as("publishing %s", pact)
                    .isBetween(200, 299);
        }
    }

    static int publish(String broker, String token, String version, String pactJson)
            throws IOException, InterruptedException {
        HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(
                        broker + "/pacts/provider/exprun-server/consumer/" + "exprun-client/version/" + version))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(pactJson));
        if (token != null && !token.isBlank()) {
            put.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .send(put.build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
