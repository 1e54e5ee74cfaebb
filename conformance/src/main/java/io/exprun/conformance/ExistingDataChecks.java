package io.exprun.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What is already in the deployment, read only: the newest runs, each fetched by id, and some of their results,
 * each fetched by id. Their answers go through the spec judge like every other (schema, variants, timestamps).
 */
final class ExistingDataChecks {

    private static final String CATEGORY = "data";

    private ExistingDataChecks() {}

    /** @return the id of the newest existing run, or null */
    static String run(Session s) {
        String[] newest = new String[1];
        s.cases.run(CATEGORY, "get_experiment_run of each of the 10 newest runs → 200, the run listed", () -> {
            Target.Exchange list = s.target.get(Target.RUNS + "?limit=10", s.main);
            Cases.expect(list.status() == 200, "listing runs failed: %s", list);
            List<String> ids = Session.ids(list.json());
            if (ids.isEmpty()) {
                throw Cases.skip("no runs yet");
            }
            newest[0] = ids.get(0);
            for (String id : ids) {
                Target.Exchange got = s.target.get(Target.RUNS + "/" + Session.enc(id), s.main);
                Cases.expect(
                        got.status() == 200 && id.equals(got.json().path("id").asText()), "listed run %s: %s", id, got);
            }
        });
        s.cases.run(CATEGORY, "get_experiment_result of results of the 3 newest runs → 200, the result listed", () -> {
            if (newest[0] == null) {
                throw Cases.skip("no runs yet");
            }
            Target.Exchange list = s.target.get(Target.RUNS + "?limit=3", s.main);
            int fetched = 0;
            for (String run : Session.ids(list.json())) {
                Target.Exchange results = s.target.get(Target.RESULTS + "?limit=5&run_id=" + Session.enc(run), s.main);
                Cases.expect(results.status() == 200, "listing results of %s failed: %s", run, results);
                for (JsonNode r : results.json().path("data")) {
                    Cases.expect(
                            run.equals(r.path("experiment_run_id").asText()), "a result of another run listed: %s", r);
                    String id = r.path("id").asText();
                    Target.Exchange got = s.target.get(Target.RESULTS + "/" + Session.enc(id), s.main);
                    Cases.expect(
                            got.status() == 200
                                    && id.equals(got.json().path("id").asText()),
                            "listed result %s: %s",
                            id,
                            got);
                    fetched++;
                }
            }
            if (fetched == 0) {
                throw Cases.skip("the newest runs have no results");
            }
        });
        return newest[0];
    }
}
