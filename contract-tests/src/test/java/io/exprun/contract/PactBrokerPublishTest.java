package io.exprun.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The broker publishing step sends what a Pact Broker expects (checked against a stand-in broker on loopback). */
class PactBrokerPublishTest {

    @Test
    void publishing_puts_the_pact_under_provider_consumer_and_version_with_the_token() throws Exception {
        List<String> seen = new ArrayList<>();
        HttpServer broker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        broker.createContext("/", exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Authorization") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(201, -1);
            exchange.close();
        });
        broker.start();
        try {
            int status = PactBrokerPublishIT.publish(
                    "http://127.0.0.1:" + broker.getAddress().getPort(),
                    "t0k",
                    "1.2.3",
                    "{\"consumer\":{\"name\":\"exprun-client\"}}");

            assertThat(status).isEqualTo(201);
            assertThat(seen)
                    .containsExactly("PUT /pacts/provider/exprun-server/consumer/exprun-client/version/1.2.3 "
                            + "Bearer t0k {\"consumer\":{\"name\":\"exprun-client\"}}");
        } finally {
            broker.stop(0);
        }
    }
}
