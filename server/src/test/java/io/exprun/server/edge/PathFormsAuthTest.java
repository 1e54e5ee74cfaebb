package io.exprun.server.edge;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.server.testing.ExprunServerTest;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.TestServer;
import io.exprun.server.testing.WithKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Every operation of the spec, in every spelling of its path a client or proxy might produce (matrix parameters on
 * each segment, {@code //}, {@code /./}, {@code /../}, percent-encoded letters and slashes, a trailing slash, changed
 * case), without a key, with a malformed Authorization header and with a wrong key: 401 with
 * {@code WWW-Authenticate} wherever Jersey routes the spelling to an operation, 404 wherever it does not; never a
 * 2xx, a 422 or a 5xx, and nothing is stored. Whether a spelling routes is asked of the server itself, with a valid
 * key. The listing of cases is the test's name list.
 */
@ExprunServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PathFormsAuthTest {

    private static final Map<String, String> NO_GOOD_KEY = new LinkedHashMap<>();

    static {
        NO_GOOD_KEY.put("no key", "");
        NO_GOOD_KEY.put("malformed header", "Authorization: Basic dXNlcjpwYXNz\r\n");
        NO_GOOD_KEY.put("wrong key", "Authorization: Bearer not-a-key\r\n");
    }

    private final SpecModel spec = SpecModel.load();
    private TestServer server;

    @WithKey(WithKey.NONE)
    private Http http;

    private final Map<Integer, Integer> answered = new java.util.TreeMap<>();

    @AfterAll
    void stop() {
        System.out.println("path forms × operations × bad credentials, answers by status: " + answered);
    }

    /** Spellings of one canonical path ("/v1/workflows/experiments/runs/x/cancel"). */
    static Map<String, String> forms(String path) {
        String[] segments = path.substring(1).split("/");
        Map<String, String> forms = new LinkedHashMap<>();
        forms.put("canonical", path);
        forms.put("trailing slash", path + "/");
        forms.put("leading //", "/" + path);
        for (int i = 0; i < segments.length; i++) {
            String[] s = segments.clone();
            s[i] = s[i] + ";x=y";
            forms.put("matrix on segment " + i, "/" + String.join("/", s));
            String[] e = segments.clone();
            e[i] = String.format("%%%02X", (int) e[i].charAt(0)) + e[i].substring(1);
            forms.put("encoded first letter of segment " + i, "/" + String.join("/", e));
        }
        String first = "/" + segments[0];
        String rest = path.substring(first.length());
        forms.put("// after first segment", first + "/" + rest);
        forms.put("/./ after first segment", first + "/." + rest);
        forms.put("/zz/../ after first segment", first + "/zz/.." + rest);
        forms.put("encoded slash after first segment", first + "%2F" + rest.substring(1));
        forms.put("upper-case first segment", "/" + segments[0].toUpperCase() + rest);
        forms.put(
                "upper-case last segment",
                path.substring(0, path.lastIndexOf('/') + 1) + segments[segments.length - 1].toUpperCase());
        return forms;
    }

    private long storedRuns() {
        return server.server().store().countRunsByStatus().values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }

    private Http.Answer send(SpecModel.Op op, String target, String headers, String experimentId) {
        if (op.body() == null) {
            return http.raw(op.method(), target, headers);
        }
        String body = "{\"experiment_id\":\"" + experimentId + "\"}";
        return http.exchange(op.method() + " " + target + " HTTP/1.1\r\nHost: x\r\n" + headers
                + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n"
                + body);
    }

    @TestFactory
    Stream<DynamicTest> every_operation_in_every_path_form_without_a_valid_key_is_401_or_answered_as_with_one() {
        List<DynamicTest> tests = new ArrayList<>();
        for (SpecModel.Op op : spec.operations()) {
            String query = op.in("query").stream()
                    .filter(SpecModel.Param::required)
                    .map(p -> p.name() + "=x")
                    .reduce((a, b) -> a + "&" + b)
                    .map(q -> "?" + q)
                    .orElse("");
            for (Map.Entry<String, String> form :
                    forms(op.pathWith("exprun_nope")).entrySet()) {
                String target = form.getValue() + query;
                for (Map.Entry<String, String> auth : NO_GOOD_KEY.entrySet()) {
                    tests.add(DynamicTest.dynamicTest(
                            op + " as " + target + " (" + form.getKey() + "), " + auth.getKey(),
                            () -> check(op, target, auth.getValue())));
                }
            }
        }
        return tests.stream();
    }

    private void check(SpecModel.Op op, String target, String badAuth) {
        // does Jersey route this spelling to an operation? Ask with a valid key (an experiment that does not exist,
        // so even a routed create stores nothing)
        Http.Answer probe = send(op, target, "Authorization: Bearer " + KEY_A + "\r\n", "exp_does_not_exist");
        boolean routed = probe.status() != 405 && !(probe.status() == 404 && "not_found".equals(probe.errorCode()));
        long before = storedRuns();

        Http.Answer answer = send(op, target, badAuth, "exp_demo");

        // a spelling no operation takes is answered as it is with a key: 404, or 405 where it names a resource that
        // has other methods (e.g. POST …/experiments/RUNS names the experiment "RUNS"); the key changes nothing
        assertThat(answer.status())
                .as("routed=%s, body %s", routed, answer.body())
                .isEqualTo(routed ? 401 : probe.status());
        if (routed) {
            assertThat(answer.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(answer.errorCode()).isEqualTo("unauthorized");
        }
        assertThat(storedRuns()).isEqualTo(before);
        answered.merge(answer.status(), 1, Integer::sum);
    }
}
