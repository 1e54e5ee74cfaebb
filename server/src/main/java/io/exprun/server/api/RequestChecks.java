package io.exprun.server.api;

import io.exprun.server.domain.PageRequest;
import io.exprun.server.error.ErrorResponses;
import io.exprun.server.error.ValidationProblem;
import io.exprun.server.generated.model.ValidationError;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The few request rules the spec cannot express (its constraints are checked by Bean Validation from the generated
 * interfaces before a resource method runs): {@code before} excludes {@code after} (the domain's
 * {@link PageRequest} rule, answered here), and {@code from_date} must not be after {@code to_date}. Collected and
 * answered as one 422, as FastAPI does.
 */
final class RequestChecks {

    private final List<ValidationError> errors = new ArrayList<>();

    RequestChecks dateRange(LocalDate from, LocalDate to) {
        if (from != null && to != null && from.isAfter(to)) {
            errors.add(ErrorResponses.error(
                    List.of("query", "from_date"),
                    "from_date must not be after to_date",
                    "value_error",
                    from.toString()));
        }
        return this;
    }

    /** The page asked for; {@code limit} and {@code order} arrive validated and defaulted by the generated interface. */
    PageRequest page(String before, String after, int limit, String order) {
        PageRequest page = null;
        try {
            page = new PageRequest(before, after, limit, !"asc".equals(order));
        } catch (PageRequest.BothCursors e) {
            errors.add(ErrorResponses.error(List.of("query", "before"), e.getMessage(), "value_error", before));
        }
        if (!errors.isEmpty()) {
            throw new ValidationProblem(errors);
        }
        return page;
    }
}
