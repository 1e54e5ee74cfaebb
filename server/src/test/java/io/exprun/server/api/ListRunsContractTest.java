package io.exprun.server.api;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static io.exprun.server.testing.RunFixtures.TENANT_B;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.RunFixtures;
import io.exprun.server.testing.TestServer;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GET /runs: paging, filters and bad query values. Runs once per database: see {@link RunsApiOnSqliteTest} and
 * {@link RunsApiOnPostgresTest}.
 */
abstract class ListRunsContractTest extends RunsApiContract {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "limit=0",
                "limit=101",
                "limit=abc",
                "order=sideways",
                "status=bogus",
                "exclude_status=CANCELLED",
                "from_date=2026-13-01",
                "to_date=yesterday",
                "sort_by=name",
                "before=a&after=b",
                "from_date=2026-05-02&to_date=2026-05-01"
            })
    void bad_query_values_return_422_naming_the_parameter(String query) {
        Http.Answer answer = api.get(RUNS + "?" + query);

        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.json().at("/detail/0/loc/0").asText()).isEqualTo("query");
        JsonNode parameter = answer.json().at("/detail/0/loc/1");
        assertThat(parameter.isTextual())
                .as("loc[1] names the parameter: %s", answer.body())
                .isTrue();
        assertThat(query).contains(parameter.asText() + "=");
    }

    @ParameterizedTest
    @ValueSource(strings = {"desc", "asc"})
    void paging_forward_visits_every_run_exactly_once_in_order(String order) {
        try (TestServer s = TestServer.start(freshConfig(0))) {
            List<String> created = new ArrayList<>();
            for (int i = 0; i < 47; i++) {
                created.add(
                        s.fixtures().runIn(TENANT_A, LifecycleStatus.PENDING).id());
            }
            s.fixtures().runIn(TENANT_B, LifecycleStatus.PENDING);
            Http a = new Http(s.baseUri(), KEY_A);

            List<String> seen = new ArrayList<>();
            String after = null;
            int pages = 0;
            do {
                JsonNode page = a.get(RUNS + "?limit=10&order=" + order + (after == null ? "" : "&after=" + after))
                        .json();
                page.get("data").forEach(r -> seen.add(r.get("id").asText()));
                assertThat(page.get("list_metadata").has("before")).isTrue();
                after = page.at("/list_metadata/after").isNull()
                        ? null
                        : page.at("/list_metadata/after").asText();
                pages++;
            } while (after != null);

            assertThat(pages).isEqualTo(5);
            assertThat(seen).hasSize(47).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(created);
            List<String> expected = new ArrayList<>(sortedByCreation(a, created));
            if (order.equals("desc")) {
                java.util.Collections.reverse(expected);
            }
            assertThat(seen).containsExactlyElementsOf(expected);

            // and back: `before` of a page returns the page just before it
            JsonNode second = a.get(RUNS + "?limit=10&order=" + order + "&after=" + seen.get(9))
                    .json();
            String back = second.at("/list_metadata/before").asText();
            JsonNode first =
                    a.get(RUNS + "?limit=10&order=" + order + "&before=" + back).json();
            List<String> firstIds = new ArrayList<>();
            first.get("data").forEach(r -> firstIds.add(r.get("id").asText()));
            assertThat(firstIds).containsExactlyElementsOf(seen.subList(0, 10));
            assertThat(first.at("/list_metadata/before").isNull()).isTrue();
        }
    }

    @Test
    void every_filter_narrows_the_listing() {
        try (TestServer s = TestServer.start(freshConfig(0))) {
            RunFixtures f = s.fixtures();
            Run pending = f.runIn(TENANT_A, LifecycleStatus.PENDING);
            Run completed = f.runIn(TENANT_A, LifecycleStatus.COMPLETED);
            Run cancelled = f.runIn(TENANT_A, LifecycleStatus.CANCELLED);
            Run other = s.server().runService().create(TENANT_A, "exp_classify", null, "api");
            Http a = new Http(s.baseUri(), KEY_A);
            String today = LocalDate.now(ZoneOffset.UTC).toString();
            String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();

            assertThat(ids(a, "workflow_id=wf_triage")).containsExactly(other.id());
            assertThat(ids(a, "experiment_id=exp_demo"))
                    .containsExactlyInAnyOrder(pending.id(), completed.id(), cancelled.id());
            assertThat(ids(a, "block_id=blk_classify")).containsExactly(other.id());
            assertThat(ids(a, "status=completed")).containsExactly(completed.id());
            assertThat(ids(a, "exclude_status=pending")).containsExactlyInAnyOrder(completed.id(), cancelled.id());
            assertThat(ids(a, "trigger_type=api")).hasSize(4);
            assertThat(ids(a, "trigger_type=schedule")).isEmpty();
            assertThat(ids(a, "from_date=" + today + "&to_date=" + today)).hasSize(4);
            assertThat(ids(a, "from_date=" + tomorrow)).isEmpty();
            assertThat(ids(a, "to_date=2020-01-01")).isEmpty();
            assertThat(ids(a, "experiment_id=exp_demo&status=cancelled")).containsExactly(cancelled.id());
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static List<String> ids(Http http, String query) {
        List<String> ids = new ArrayList<>();
        http.get(RUNS + "?limit=100&" + query)
                .json()
                .get("data")
                .forEach(r -> ids.add(r.get("id").asText()));
        return ids;
    }

    private static List<String> sortedByCreation(Http http, List<String> ids) {
        Map<String, String> createdAt = new HashMap<>();
        for (String id : ids) {
            createdAt.put(
                    id,
                    http.get(RUNS + "/" + id).json().at("/timing/created_at").asText());
        }
        List<String> sorted = new ArrayList<>(ids);
        sorted.sort((x, y) -> {
            int byTime = OffsetDateTime.parse(createdAt.get(x)).compareTo(OffsetDateTime.parse(createdAt.get(y)));
            return byTime != 0 ? byTime : x.compareTo(y);
        });
        Set<String> unique = new HashSet<>(sorted);
        assertThat(unique).hasSize(ids.size());
        return sorted;
    }
}
