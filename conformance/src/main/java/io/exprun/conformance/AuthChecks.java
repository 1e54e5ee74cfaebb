package io.exprun.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.contract.SpecConformance;

/**
 * Every operation of the spec, without a key and with a wrong key, must answer 401 with
 * {@code WWW-Authenticate: Bearer}. The requests cannot change anything even on a server that ignored auth: path ids
 * that do not exist and a create body without an experiment.
 */
final class AuthChecks {

    static final String NO_SUCH_ID = "exprun_conformance_no_such_id";

    private AuthChecks() {}

    static void run(Session s) {
        for (SpecConformance.Operation op : s.judge.spec().operations()) {
            String path = harmlessPath(op);
            String body = op.node().has("requestBody") ? "{}" : null;
            for (Target.Key key : new Target.Key[] {Target.Key.NONE, s.wrong}) {
                s.cases.run(
                        "auth",
                        op.operationId() + " with " + key.label() + " → 401 with WWW-Authenticate: Bearer",
                        () -> {
                            Target.Exchange e = s.target.send(op.method(), path, body, key);
                            Cases.expect(e.status() == 401, "expected 401, got %s", e);
                            String challenge =
                                    e.headers().firstValue("WWW-Authenticate").orElse("");
                            Cases.expect(
                                    challenge.regionMatches(true, 0, "Bearer", 0, 6),
                                    "WWW-Authenticate is '%s', expected a Bearer challenge",
                                    challenge);
                        });
            }
        }
    }

    /** The operation's path with every path parameter an id that does not exist, and its required query filled. */
    static String harmlessPath(SpecConformance.Operation op) {
        StringBuilder query = new StringBuilder();
        for (JsonNode p : op.node().path("parameters")) {
            if ("query".equals(p.path("in").asText()) && p.path("required").asBoolean(false)) {
                query.append(query.length() == 0 ? "?" : "&")
                        .append(p.path("name").asText())
                        .append('=')
                        .append(NO_SUCH_ID);
            }
        }
        return op.template().replaceAll("\\{[^/}]+}", NO_SUCH_ID) + query;
    }
}
