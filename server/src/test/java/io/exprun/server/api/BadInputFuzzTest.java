package io.exprun.server.api;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.contract.SpecConformance;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.spec.JsonMapper;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.TestServer;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Ten thousand generated bad requests (seeded, so a failure replays): hostile run ids, broken Authorization
 * headers, broken, huge and deeply nested JSON, wrong content types and methods, absurd query values. Not one may
 * answer 5xx or leak a stack trace; every error body has the contract's shape (and validates against the spec where
 * the spec declares that status); the stored runs are exactly as before.
 */
class BadInputFuzzTest {

    private static final String RUNS = "/v1/workflows/experiments/runs";
    private static final String RESULTS = "/v1/workflows/experiments/results";
    private static final int REQUESTS = 10_000;
    private static final long SEED = 20261124L;

    private final Random random = new Random(SEED);
    private final SpecConformance spec = SpecConformance.load();

    @Test
    void ten_thousand_bad_requests_get_no_5xx_contract_shaped_errors_and_change_nothing() {
        try (TestServer server = TestServer.startEmbedded(0)) {
            for (LifecycleStatus s : LifecycleStatus.values()) {
                server.fixtures().runIn(TENANT_A, s);
            }
            Http api = new Http(server.baseUri(), KEY_A);
            String before = snapshot(api);

            List<Supplier<Case>> generators = List.of(
                    this::hostileRunId,
                    this::brokenAuthorization,
                    this::brokenJson,
                    this::wrongContentType,
                    this::wrongMethod,
                    this::absurdQuery,
                    this::mutatedPathShape);
            Map<Integer, Integer> statuses = new LinkedHashMap<>();
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                Case c = generators.get(i % generators.size()).get();
                Http.Answer answer = c.raw ? api.as(c.key).raw(c.method, c.target) : api.send(c.request(api));
                statuses.merge(answer.status(), 1, Integer::sum);
                check(c, answer, problems);
                if (problems.size() > 20) {
                    break;
                }
            }

            System.out.println("fuzz: " + REQUESTS + " requests, statuses " + statuses);
            assertThat(problems).isEmpty();
            assertThat(statuses.keySet()).allMatch(s -> s < 500);
            assertThat(snapshot(api)).isEqualTo(before);
        }
    }

    private void check(Case c, Http.Answer answer, List<String> problems) {
        String what = c.describe() + " → " + answer.status();
        if (answer.status() >= 500) {
            problems.add(what + ": server error " + answer.body());
            return;
        }
        if (answer.body().contains("at io.")
                || answer.body().contains("Exception")
                || answer.body().contains("<html")) {
            problems.add(what + ": leaks internals: " + abbreviate(answer.body()));
        }
        if (c.label().startsWith("unauthenticated ") && answer.status() != 401 && answer.status() != 404) {
            problems.add(what + ": an unauthenticated request got neither 401 nor 404");
        }
        if (answer.status() < 400) {
            return;
        }
        JsonNode body;
        try {
            body = JsonMapper.shared().readTree(answer.body());
        } catch (Exception e) {
            problems.add(what + ": error body is not JSON: " + abbreviate(answer.body()));
            return;
        }
        boolean envelope = body.path("detail").path("code").isTextual()
                && body.path("detail").path("message").isTextual();
        boolean validation = body.path("detail").isArray()
                && body.path("detail").size() > 0
                && body.path("detail").get(0).has("loc")
                && body.path("detail").get(0).has("msg")
                && body.path("detail").get(0).has("type");
        if (!(answer.status() == 422 ? validation : envelope)) {
            problems.add(what + ": not in the contract's error shape: " + abbreviate(answer.body()));
        }
        if (c.specPath != null && List.of(401, 404, 422).contains(answer.status())) {
            spec.violations(c.method, c.specPath, answer.status(), answer.body())
                    .forEach(v -> problems.add(what + ": " + v));
        }
    }

    // ---- generators -------------------------------------------------------------------------------

    private Case hostileRunId() {
        String[] ids = {
            "%2F",
            "..%2F..%2Fetc%2Fpasswd",
            "a%00b",
            "%E2%9C%93%F0%9F%98%80",
            "%FF%FE",
            "..",
            ".",
            "%252F",
            "exprun_" + "9".repeat(10_000),
            "%ZZ",
            "%",
            "%u2215",
            "%C0%AF",
            "'%20OR%201=1%20--",
            enc(randomUnicode(random.nextInt(40) + 1))
        };
        String id = ids[random.nextInt(ids.length)];
        String[][] shapes = {
            {"GET", RUNS + "/" + id},
            {"POST", RUNS + "/" + id + "/cancel"},
            {"GET", RESULTS + "/" + id},
            {"GET", RESULTS + "?run_id=" + id}
        };
        String[] shape = shapes[random.nextInt(shapes.length)];
        return Case.raw(shape[0], shape[1], KEY_A);
    }

    private Case brokenAuthorization() {
        String[] values = {
            "",
            "Bearer",
            "Bearer ",
            "bearer",
            "Basic dGVzdDp0ZXN0",
            "Bearer test-key-a-but-not",
            "Bearer " + "k".repeat(random.nextInt(9_000) + 1),
            "Token test-key-a",
            "Bearer\ttest-key-a",
            "Bearer " + randomAscii(random.nextInt(60) + 1)
        };
        String value = values[random.nextInt(values.length)];
        boolean duplicate = random.nextInt(4) == 0;
        return new Case(
                "GET",
                RUNS,
                RUNS,
                b -> {
                    if (!value.isEmpty()) {
                        b.setHeader("Authorization", value);
                    }
                    if (duplicate) {
                        b.header("Authorization", "Bearer " + KEY_A);
                    }
                    return b.GET();
                },
                false,
                null,
                "auth=" + abbreviate(value) + (duplicate ? " (duplicated)" : ""));
    }

    private Case brokenJson() {
        String valid = "{\"experiment_id\":\"exp_nope\",\"workflow_id\":null,\"plan_token\":\"x\"}";
        String body = switch (random.nextInt(8)) {
            case 0 -> valid.substring(0, random.nextInt(valid.length() - 1));
            case 1 -> "[".repeat(random.nextInt(2_000) + 1);
            case 2 -> "{\"a\":".repeat(random.nextInt(300) + 65) + "1" + "}".repeat(10);
            case 3 -> "{\"experiment_id\":\"" + "x".repeat(1_100_000) + "\"}";
            case 4 -> "{\"experiment_id\":" + (random.nextBoolean() ? "12" : "[1,2]") + "}";
            case 5 -> randomAscii(random.nextInt(200));
            case 6 -> "{\"experiment_id\":\"exp_nope\"}{\"experiment_id\":\"exp_demo\"}";
            default -> "\u0000\u0001{\"experiment_id\":\"exp_demo\"";
        };
        return new Case(
                "POST",
                RUNS,
                RUNS,
                b -> b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)),
                false,
                null,
                "json=" + abbreviate(body));
    }

    private Case wrongContentType() {
        String[] types = {
            "text/plain",
            "application/xml",
            "multipart/form-data; boundary=x",
            "application/x-www-form-urlencoded",
            "garbage",
            "application/json; charset=EBCDIC-nope",
            "image/png"
        };
        String type = types[random.nextInt(types.length)];
        return new Case(
                "POST",
                RUNS,
                RUNS,
                b -> b.header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString("experiment_id=exp_demo")),
                false,
                null,
                "type=" + type);
    }

    private Case wrongMethod() {
        String[] methods = {"PUT", "DELETE", "PATCH", "OPTIONS-NOT", "PROPFIND"};
        String[] paths = {RUNS, RUNS + "/exprun_x", RUNS + "/exprun_x/cancel", RESULTS, RESULTS + "/expres_x"};
        String method = methods[random.nextInt(methods.length)];
        String path = paths[random.nextInt(paths.length)];
        return new Case(
                method,
                path,
                null,
                b -> b.method(method, HttpRequest.BodyPublishers.ofString("{}")),
                false,
                null,
                method + " " + path);
    }

    private Case absurdQuery() {
        String[] queries = {
            "limit=-1",
            "limit=0",
            "limit=101",
            "limit=1e99",
            "limit=NaN",
            "limit=" + "9".repeat(40),
            "order=sideways",
            "status=PAUSED",
            "exclude_status=%00",
            "from_date=2026-02-30",
            "to_date=99999-01-01",
            "from_date=yesterday",
            "sort_by=id;DROP%20TABLE%20runs",
            "before=a&after=b",
            "after=" + "z".repeat(5_000),
            "before=" + enc(randomUnicode(20)),
            "limit=&order=",
            "status=" + enc(randomUnicode(5)),
            "workflow_id=" + enc(randomUnicode(30)) + "&limit=100"
        };
        String q = queries[random.nextInt(queries.length)];
        boolean results = random.nextInt(3) == 0;
        String target = results ? RESULTS + "?run_id=x&" + q : RUNS + "?" + q;
        return Case.raw("GET", target, KEY_A);
    }

    /**
     * An API path respelled (matrix parameters, doubled or dot segments, encoded letters or slashes, case, trailing
     * slash; one to three mutations), sent without a key or with a wrong one: never anything but 401 or 404.
     */
    private Case mutatedPathShape() {
        String[] paths = {
            RUNS, RUNS + "/exprun_x", RUNS + "/exprun_x/cancel", RESULTS + "?run_id=x", RESULTS + "/expres_x"
        };
        String[] methods = {"GET", "GET", "POST", "GET", "GET"};
        int which = random.nextInt(paths.length);
        String path = paths[which];
        String query = path.contains("?") ? path.substring(path.indexOf('?')) : "";
        List<String> segments = new ArrayList<>(
                List.of(path.substring(1, path.length() - query.length()).split("/")));
        for (int m = random.nextInt(3) + 1; m > 0; m--) {
            int i = random.nextInt(segments.size());
            String seg = segments.get(i);
            segments.set(
                    i,
                    switch (random.nextInt(7)) {
                        case 0 -> seg + ";" + randomAscii(3).replaceAll("[^a-z]", "a") + "=1";
                        case 1 -> "/" + seg;
                        case 2 -> "./" + seg;
                        case 3 -> "zz/../" + seg;
                        case 4 -> seg.isEmpty() ? seg : String.format("%%%02X", (int) seg.charAt(0)) + seg.substring(1);
                        case 5 -> seg.toUpperCase();
                        default -> seg + "%2F";
                    });
        }
        String target = "/" + String.join("/", segments) + (random.nextInt(4) == 0 ? "/" : "") + query;
        String key = random.nextBoolean() ? null : "not-a-key";
        Case c = Case.raw(methods[which], target, key);
        return new Case(c.method(), c.target(), null, null, true, key, "unauthenticated " + c.label());
    }

    // ---- plumbing ---------------------------------------------------------------------------------

    private record Case(
            String method,
            String target,
            String specPath,
            java.util.function.Function<HttpRequest.Builder, HttpRequest.Builder> build,
            boolean raw,
            String key,
            String label) {
        static Case raw(String method, String target, String key) {
            String bare = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
            return new Case(method, target, bare, null, true, key, method + " " + abbreviate(target));
        }

        HttpRequest.Builder request(Http api) {
            return build.apply(api.as(null).builder(target));
        }

        String describe() {
            return label;
        }
    }

    private String snapshot(Http api) {
        StringBuilder all = new StringBuilder();
        String after = null;
        do {
            JsonNode page = api.get(RUNS + "?limit=100&order=asc" + (after == null ? "" : "&after=" + after))
                    .json();
            all.append(page.get("data"));
            for (JsonNode run : page.get("data")) {
                all.append(api.get(RESULTS + "?run_id=" + run.get("id").asText())
                        .json()
                        .get("data"));
            }
            after = page.at("/list_metadata/after").isNull()
                    ? null
                    : page.at("/list_metadata/after").asText();
        } while (after != null);
        return all.toString();
    }

    private String randomUnicode(int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int cp;
            do {
                cp = random.nextInt(0x2FFFF);
            } while (!Character.isDefined(cp) || Character.isSurrogate((char) cp) && cp < 0x10000);
            b.appendCodePoint(cp);
        }
        return b.toString();
    }

    private String randomAscii(int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append((char) (0x20 + random.nextInt(0x5F)));
        }
        return b.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…(" + s.length() + ")" : s;
    }
}
