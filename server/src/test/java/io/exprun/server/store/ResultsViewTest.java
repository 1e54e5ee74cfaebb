package io.exprun.server.store;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Run;
import io.exprun.server.domain.RunCanceller;
import io.exprun.server.testing.Http;
import io.exprun.server.testing.TestServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The derived-cancel rule lives in the database (the view results_view): an operator's raw SQL through the view
 * reads exactly what the API answers, and cancel still touches only the run's row.
 */
class ResultsViewTest {

    private static final String RUNS = "/v1/workflows/experiments/runs";
    private static final String RESULTS = "/v1/workflows/experiments/results";

    private record Row(String status, String reason, Instant completedAt) {}

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void a_raw_query_through_results_view_reads_what_the_api_answers_for_a_cancelled_run(String kind)
            throws SQLException {
        try (TestServer server = TestServer.start(TestServer.config(kind, 0))) {
            Http api = new Http(server.baseUri(), KEY_A);
            Run run = server.fixtures().running(TENANT_A, 1, true); // 1 completed, 1 running, 3 pending
            Http.Answer cancel = api.post(RUNS + "/" + run.id() + "/cancel");
            assertThat(cancel.status()).isEqualTo(200);
            Instant cancelledAt = OffsetDateTime.parse(
                            cancel.json().at("/timing/completed_at").asText())
                    .toInstant();

            Map<String, Row> raw = new HashMap<>();
            int untouched;
            try (Connection c = server.server().database().pool().getConnection()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT id, status, cancel_reason, completed_at FROM results_view WHERE run_id = ?")) {
                    ps.setString(1, run.id());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            long at = rs.getLong(4);
                            Instant completedAt = rs.wasNull() ? null : Instant.ofEpochMilli(at);
                            raw.put(rs.getString(1), new Row(rs.getString(2), rs.getString(3), completedAt));
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT COUNT(*) FROM results WHERE run_id = ? AND status IN ('pending', 'running')")) {
                    ps.setString(1, run.id());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        untouched = rs.getInt(1);
                    }
                }
            }

            Map<String, Row> answered = new HashMap<>();
            for (JsonNode r : api.get(RESULTS + "?run_id=" + run.id() + "&limit=100")
                    .json()
                    .get("data")) {
                String completed = r.at("/timing/completed_at").asText(null);
                answered.put(
                        r.get("id").asText(),
                        new Row(
                                r.at("/lifecycle/status").asText(),
                                r.at("/lifecycle/reason").isMissingNode()
                                                || r.at("/lifecycle/reason").isNull()
                                        ? null
                                        : r.at("/lifecycle/reason").asText(),
                                completed == null
                                        ? null
                                        : OffsetDateTime.parse(completed).toInstant()));
            }

            assertThat(raw).hasSize(5).isEqualTo(answered);
            assertThat(raw.values())
                    .filteredOn(row -> row.status().equals("completed"))
                    .hasSize(1);
            assertThat(raw.values())
                    .filteredOn(row -> row.status().equals(LifecycleStatus.CANCELLED.wire()))
                    .hasSize(4)
                    .allSatisfy(row -> {
                        assertThat(row.completedAt()).isEqualTo(cancelledAt);
                        assertThat(row.reason()).isEqualTo(RunCanceller.DEFAULT_REASON);
                    });
            assertThat(untouched)
                    .as("cancel updates the run's row only: O(1) in the number of results")
                    .isEqualTo(4);
        }
    }
}
