package io.exprun.server.integrity;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.KEY_B;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.server.spec.JsonMapper;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.NoErrorLogs;
import io.exprun.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 31's first reproduction: an experiment of 500 documents, every field valid by the spec, its body just under
 * the body limit, answered 500 after it was committed (its stored form outgrew the reader's own limit), and from then
 * on every list of that tenant's experiments answered 500. A write is answered or it is not made: here it is made,
 * and it reads back everywhere it should.
 */
@ExtendWith(NoErrorLogs.class)
class AcceptedWritesReadBackTest {

    private static final String EXPERIMENTS = "/v1/workflows/experiments";

    /** The body: 984,927 bytes, under the 1,000,000-byte limit. */
    static String documents() {
        StringBuilder b = new StringBuilder("[");
        String provenance = "p".repeat(1880);
        for (int i = 0; i < 500; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"handle_inputs\":{\"d\":{\"type\":\"file\",\"document\":{\"id\":\"x")
                    .append(i)
                    .append("\"}}},\"provenance\":\"")
                    .append(provenance)
                    .append("\"}");
        }
        return b.append(']').toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void a_create_just_under_the_body_limit_is_answered_and_reads_back_in_the_get_the_list_and_its_filters(
            String kind) {
        try (TestServer server = TestServer.start(TestServer.config(kind, 0))) {
            Http api = new Http(server.baseUri(), KEY_A);
            String body = "{\"workflow_id\":\"wf_big\",\"documents\":" + documents() + "}";
            assertThat(body.length()).isLessThan(JsonMapper.MAX_BODY_BYTES).isGreaterThan(980_000);

            Http.Answer created = api.postJson(EXPERIMENTS, body);

            assertThat(created.status()).as("create: %.300s", created.body()).isEqualTo(200);
            String id = created.json().get("id").asText();
            assertReadable(api, id, 500);
            assertThat(new Http(server.baseUri(), KEY_B).get(EXPERIMENTS).status())
                    .as("another tenant")
                    .isEqualTo(200);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void a_patch_with_those_documents_is_answered_and_reads_back(String kind) {
        try (TestServer server = TestServer.start(TestServer.config(kind, 0))) {
            Http api = new Http(server.baseUri(), KEY_A);
            String id = api.postJson(EXPERIMENTS, "{\"workflow_id\":\"wf_big\"}")
                    .json()
                    .get("id")
                    .asText();

            Http.Answer patched = api.send(api.builder(EXPERIMENTS + "/" + id)
                    .header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"documents\":" + documents() + "}")));

            assertThat(patched.status()).as("patch: %.300s", patched.body()).isEqualTo(200);
            assertReadable(api, id, 500);
        }
    }

    /** The get, every list page and the filters that include it: 200, with every document as it was given. */
    private static void assertReadable(Http api, String id, int documents) {
        Http.Answer got = api.get(EXPERIMENTS + "/" + id);
        assertThat(got.status()).as("get: %.300s", got.body()).isEqualTo(200);
        JsonNode given = got.json().get("documents");
        assertThat(given).hasSize(documents);
        assertThat(given.get(documents - 1)
                        .path("handle_inputs")
                        .path("d")
                        .path("document")
                        .path("id")
                        .asText())
                .isEqualTo("x" + (documents - 1));
        assertThat(given.get(0).path("provenance").asText()).hasSize(1880);
        for (String query : List.of("", "?workflow_id=wf_big", "?limit=1", "?order=asc&limit=100")) {
            Http.Answer list = api.get(EXPERIMENTS + query);
            assertThat(list.status()).as("list%s: %.300s", query, list.body()).isEqualTo(200);
        }
        List<String> ids = new ArrayList<>();
        api.get(EXPERIMENTS + "?workflow_id=wf_big")
                .json()
                .get("data")
                .forEach(e -> ids.add(e.get("id").asText()));
        assertThat(ids).contains(id);
    }
}
