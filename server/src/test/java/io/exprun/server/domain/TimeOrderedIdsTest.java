package io.exprun.server.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimeOrderedIdsTest {

    @Test
    void ids_made_one_after_another_sort_in_that_order_even_within_one_millisecond() {
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) { // thousands per millisecond: most share one with the previous id
            made.add(TimeOrderedIds.next("exp_"));
        }

        assertThat(made).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void an_id_is_the_prefix_and_a_version_7_uuid_in_32_hex_digits() {
        String id = TimeOrderedIds.next("exprun_");

        assertThat(id).matches("exprun_[0-9a-f]{12}7[0-9a-f]{3}[89ab][0-9a-f]{15}");
        long millis = Long.parseLong(id.substring("exprun_".length(), "exprun_".length() + 12), 16);
        assertThat(millis).isBetween(System.currentTimeMillis() - 60_000, System.currentTimeMillis());
    }
}
