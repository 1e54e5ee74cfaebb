package io.exprun.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exprun.server.spec.JsonMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What is stored can be read back: one codec writes and reads, and refuses before storing what it could not read. */
class StoredFormsTest {

    private final StoredForms forms = StoredForms.forBodiesUpTo(JsonMapper.shared(), JsonMapper.MAX_BODY_BYTES);

    @Test
    void the_stored_form_limit_is_twice_the_body_limit_and_a_form_just_under_it_reads_back() {
        assertThat(forms.maxChars()).isEqualTo(2 * JsonMapper.MAX_BODY_BYTES);
        String big = "x".repeat(JsonMapper.MAX_BODY_BYTES + 10); // over the body limit: stored forms grow past it
        String stored = forms.write(List.of(Map.of("provenance", big)));
        assertThat(forms.read(stored, List.class)).hasSize(1);
    }

    @Test
    void a_form_over_the_limit_is_refused_before_it_is_stored() {
        StoredForms small = new StoredForms(JsonMapper.shared(), 100);
        assertThatThrownBy(() -> small.write(Map.of("provenance", "x".repeat(200))))
                .isInstanceOf(StoredForms.TooLarge.class)
                .hasMessageContaining("over 100");
    }

    /** Negative control: a reader whose limit is below the writer's cannot read what was stored (issue 31's 500s). */
    @Test
    void negative_control_a_reader_limit_below_the_writers_leaves_a_stored_form_unreadable() {
        StoredForms writer = new StoredForms(JsonMapper.shared(), 1_000);
        StoredForms reader = new StoredForms(JsonMapper.shared(), 100);
        String stored = writer.write(Map.of("provenance", "x".repeat(200)));
        assertThatThrownBy(() -> reader.read(stored, Map.class)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void null_properties_are_left_out_of_stored_forms_and_free_form_numbers_are_kept_exactly() {
        String stored = forms.write(new io.exprun.server.generated.model.HandlePayload()
                .type(io.exprun.server.generated.model.HandlePayload.TypeEnum.JSON)
                .data(new java.math.BigDecimal("0.1000000000000000055511151231257827")));
        assertThat(stored).isEqualTo("{\"type\":\"json\",\"data\":0.1000000000000000055511151231257827}");
    }
}
