package io.exprun.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.server.domain.LifecycleStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The active statuses (those a cancel can still stop) are decided by {@link LifecycleStatus#isActive}; the
 * store's SQL is built from it ({@link Rows#ACTIVE}). A migration cannot call Java, so the results view (V4, and V8
 * per database) spells the list out: this test holds every list of statuses in it to the domain's.
 */
class ActiveStatusesAgreeTest {

    private static final Pattern STATUS_LIST = Pattern.compile("status IN \\(([^)]*)\\)");

    /** Each {@code status IN (…)} list of the SQL text, without spaces. */
    static List<String> statusLists(String sql) {
        List<String> lists = new ArrayList<>();
        Matcher m = STATUS_LIST.matcher(sql);
        while (m.find()) {
            lists.add("(" + m.group(1).replace(" ", "") + ")");
        }
        return lists;
    }

    private static String migration(String name) throws IOException {
        return resource("/db/migration/" + name);
    }

    private static String resource(String path) throws IOException {
        try (InputStream in = ActiveStatusesAgreeTest.class.getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void the_store_sql_lists_exactly_the_statuses_the_domain_calls_cancellable() {
        for (LifecycleStatus s : LifecycleStatus.values()) {
            assertThat(Rows.ACTIVE.contains("'" + s.wire() + "'")).as(s.wire()).isEqualTo(s.isActive());
        }
    }

    @Test
    void every_status_list_of_the_results_view_is_the_active_set() throws IOException {
        List<String> lists = statusLists(migration("V4__results_view.sql"));

        assertThat(lists).hasSize(3).allSatisfy(l -> assertThat(l).isEqualTo(Rows.ACTIVE.replace(" ", "")));
    }

    /** V8 redefines the view per database, with the version of what a result reads: four lists each. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"sqlite", "postgresql"})
    void every_status_list_of_the_v8_results_view_is_the_active_set(String vendor) throws IOException {
        List<String> lists = statusLists(resource("/db/vendor/" + vendor + "/V8__row_versions.sql"));

        assertThat(lists).hasSize(4).allSatisfy(l -> assertThat(l).isEqualTo(Rows.ACTIVE.replace(" ", "")));
    }

    @Test
    void negative_control_a_view_that_forgot_a_status_is_caught() throws IOException {
        String wrong = migration("V4__results_view.sql").replaceFirst("'queued', ", "");

        assertThat(statusLists(wrong)).anyMatch(l -> !l.equals(Rows.ACTIVE.replace(" ", "")));
    }
}
