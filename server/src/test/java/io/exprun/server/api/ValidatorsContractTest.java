package io.exprun.server.api;

import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.testing.Http;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The validators of contract 0.3.0: a strong ETag on a run, a result and an experiment, made of the row version every
 * transition bumps; If-None-Match → 304 while nothing changed; If-Match on an experiment's PATCH and DELETE → 412
 * {@code precondition_failed} once it changed, decided atomically. Runs once per database ({@link RunsApiOnSqliteTest},
 * {@link RunsApiOnPostgresTest}); no workers: the fixtures make every transition.
 */
abstract class ValidatorsContractTest extends RunsApiContract {

    static final String EXPERIMENTS = "/v1/workflows/experiments";

    private Http.Answer getIfNoneMatch(String path, String tags) {
        return api.send(api.builder(path).header("If-None-Match", tags).GET());
    }

    private Http.Answer withIfMatch(String method, String path, String ifMatch, String json) {
        HttpRequest.Builder b = api.builder(path);
        if (ifMatch != null) {
            b.header("If-Match", ifMatch);
        }
        return api.send(
                json == null
                        ? b.method(method, HttpRequest.BodyPublishers.noBody())
                        : b.header("Content-Type", "application/json")
                                .method(method, HttpRequest.BodyPublishers.ofString(json)));
    }

    private static String etag(Http.Answer a) {
        return a.headers().firstValue("ETag").orElseThrow(() -> new AssertionError("no ETag on " + a.status()));
    }

    @Test
    void a_run_is_not_modified_until_a_transition_bumps_its_etag() {
        Run run = fx.runIn(TENANT_A, LifecycleStatus.RUNNING);
        String path = RUNS + "/" + run.id();
        Http.Answer first = api.get(path);
        String tag = etag(first);
        assertThat(tag).startsWith("\"").endsWith("\"");

        Http.Answer same = getIfNoneMatch(path, tag);
        assertThat(same.status()).isEqualTo(304);
        assertThat(same.body()).isEmpty();
        assertThat(etag(same)).isEqualTo(tag);
        assertThat(api.get(path).headers().firstValue("ETag"))
                .as("reading changes nothing")
                .hasValue(tag);

        api.post(path + "/cancel");
        Http.Answer after = getIfNoneMatch(path, tag);
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.lifecycleStatus()).isEqualTo("cancelled");
        assertThat(etag(after)).isNotEqualTo(tag);
    }

    @Test
    void every_transition_of_a_run_gives_it_another_etag() {
        Run run = fx.running(TENANT_A, 0, false);
        List<String> tags = new ArrayList<>();
        tags.add(etag(api.get(RUNS + "/" + run.id())));
        fx.complete(run); // each document's completion and the run's end: transitions made in the store
        tags.add(etag(api.get(RUNS + "/" + run.id())));

        assertThat(tags).doesNotHaveDuplicates();
    }

    @Test
    void if_none_match_compares_weakly_lists_and_star_and_a_stale_tag_reads_the_run() {
        Run run = fx.runIn(TENANT_A, LifecycleStatus.PENDING);
        String path = RUNS + "/" + run.id();
        String tag = etag(api.get(path));

        assertThat(getIfNoneMatch(path, "W/" + tag).status()).isEqualTo(304);
        assertThat(getIfNoneMatch(path, "\"nope\", " + tag).status()).isEqualTo(304);
        assertThat(getIfNoneMatch(path, "*").status()).isEqualTo(304);
        // negative controls: a tag it does not have, and a header that is no list of tags, read the run
        assertThat(getIfNoneMatch(path, "\"999999\"").status()).isEqualTo(200);
        assertThat(getIfNoneMatch(path, tag.replace("\"", "")).status()).isEqualTo(200);
    }

    @Test
    void a_result_changes_its_etag_when_its_runs_cancel_changes_what_it_reads() {
        Run run = fx.running(TENANT_A, 0, false);
        JsonNode result = api.get(RESULTS + "?run_id=" + run.id()).json().at("/data/0");
        String path = RESULTS + "/" + result.get("id").asText();
        Http.Answer before = api.get(path);
        String tag = etag(before);
        assertThat(before.lifecycleStatus()).isEqualTo("pending");
        assertThat(getIfNoneMatch(path, tag).status()).isEqualTo(304);

        api.post(RUNS + "/" + run.id() + "/cancel"); // the result's row is not written: the view derives cancelled

        Http.Answer after = getIfNoneMatch(path, tag);
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.lifecycleStatus()).isEqualTo("cancelled");
        assertThat(etag(after)).isNotEqualTo(tag);
        assertThat(getIfNoneMatch(path, etag(after)).status()).isEqualTo(304);
    }

    @Test
    void an_experiment_is_not_modified_until_it_is_changed_or_run() {
        Http.Answer created = api.postJson(EXPERIMENTS, ExperimentsContractTest.body("wf_tags", "d1"));
        String id = created.json().get("id").asText();
        String path = EXPERIMENTS + "/" + id;
        String tag = etag(created);
        assertThat(etag(api.get(path))).isEqualTo(tag);
        assertThat(getIfNoneMatch(path, tag).status()).isEqualTo(304);

        api.postJson(RUNS, "{\"experiment_id\":\"" + id + "\"}"); // its answer now names a newest run
        Http.Answer run = getIfNoneMatch(path, tag);
        assertThat(run.status()).isEqualTo(200);
        assertThat(run.json().get("last_run_id").isNull()).isFalse();

        Http.Answer renamed = withIfMatch("PATCH", path, etag(run), "{\"name\":\"renamed\"}");
        assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
        assertThat(etag(renamed)).isNotEqualTo(etag(run)).isEqualTo(etag(api.get(path)));
    }

    @Test
    void a_change_on_a_stale_if_match_is_refused_412_and_changes_nothing() {
        String id = api.postJson(EXPERIMENTS, ExperimentsContractTest.body("wf_stale", "d1"))
                .json()
                .get("id")
                .asText();
        String path = EXPERIMENTS + "/" + id;
        String read = etag(api.get(path));
        assertThat(withIfMatch("PATCH", path, null, "{\"name\":\"someone else\"}")
                        .status())
                .isEqualTo(200);

        Http.Answer patch = withIfMatch("PATCH", path, read, "{\"name\":\"mine\"}");
        assertThat(patch.status()).isEqualTo(412);
        assertThat(patch.errorCode()).isEqualTo("precondition_failed");
        assertThat(patch.json().at("/detail/details/etag").asText()).isEqualTo(etag(api.get(path)));
        Http.Answer delete = withIfMatch("DELETE", path, read, null);
        assertThat(delete.status()).isEqualTo(412);
        assertThat(delete.errorCode()).isEqualTo("precondition_failed");
        assertThat(api.get(path).json().get("name").asText()).isEqualTo("someone else");

        // negative controls: the current tag, a weak one (If-Match compares strongly), and *
        String now = etag(api.get(path));
        assertThat(withIfMatch("PATCH", path, "W/" + now, "{\"name\":\"weak\"}").status())
                .isEqualTo(412);
        Http.Answer current = withIfMatch("PATCH", path, now, "{\"name\":\"mine\"}");
        assertThat(current.status()).isEqualTo(200);
        assertThat(withIfMatch("DELETE", path, "*", null).status()).isEqualTo(204);
        assertThat(withIfMatch("DELETE", path, "*", null).errorCode()).isEqualTo("experiment_not_found");
    }

    @Test
    void of_concurrent_changes_on_one_if_match_exactly_one_wins() throws Exception {
        String id = api.postJson(EXPERIMENTS, ExperimentsContractTest.body("wf_race", "d1"))
                .json()
                .get("id")
                .asText();
        String path = EXPERIMENTS + "/" + id;
        String read = etag(api.get(path));
        int clients = 16;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Http.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                String name = "writer " + i;
                answers.add(pool.submit(() -> {
                    go.await();
                    return withIfMatch("PATCH", path, read, "{\"name\":\"" + name + "\"}");
                }));
            }
            go.countDown();
            List<Integer> statuses = new ArrayList<>();
            String winner = null;
            for (Future<Http.Answer> f : answers) {
                Http.Answer a = f.get();
                statuses.add(a.status());
                if (a.status() == 200) {
                    winner = a.json().get("name").asText();
                }
            }
            assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
            assertThat(statuses).filteredOn(s -> s == 412).hasSize(clients - 1);
            assertThat(api.get(path).json().get("name").asText()).isEqualTo(winner);
        } finally {
            pool.shutdownNow();
        }
    }
}
