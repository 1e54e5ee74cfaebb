package io.exprun.server.store;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rows are read by position (RowMapping); the positions and the SQL come from the one list. */
class ColumnListTest {

    private final ColumnList columns = ColumnList.of("id", "tenant", "status");

    @Test
    void positions_are_one_based_in_the_order_listed_and_match_the_sql() {
        assertThat(columns.at("id")).isEqualTo(1);
        assertThat(columns.at("status")).isEqualTo(3);
        assertThat(columns.sql("")).isEqualTo("id, tenant, status");
        assertThat(columns.sql("r.")).isEqualTo("r.id, r.tenant, r.status");
    }

    @Test
    void a_column_not_in_the_list_is_a_programming_error_not_a_wrong_read() {
        assertThatThrownBy(() -> columns.at("created_at")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("created_at");
    }

    @Test
    void a_column_listed_twice_is_refused() {
        assertThatThrownBy(() -> ColumnList.of("id", "status", "id")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("id");
    }
}
