package io.exprun.server.api;

import io.exprun.server.domain.PageRequest;
import io.exprun.server.error.ErrorResponses;
import io.exprun.server.error.ValidationProblem;
import io.exprun.server.generated.model.ValidationError;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Collects every contract violation of a request before answering 422 once, as FastAPI does. */
final class RequestChecks {

    private final List<ValidationError> errors = new ArrayList<>();

    void require(boolean ok, List<Object> loc, String msg, String type, Object input) {
        if (!ok) {
            errors.add(ErrorResponses.error(loc, msg, type, input));
        }
    }

    void oneOf(String value, Set<String> allowed, String where, String name) {
        require(value == null || allowed.contains(value), List.of(where, name),
                "Input should be one of " + String.join(", ", allowed.stream().sorted().toList()), "enum", value);
    }

    PageRequest page(String before, String after, Integer limit, String order) {
        oneOf(order, Set.of("asc", "desc"), "query", "order");
        require(limit == null || (limit >= 1 && limit <= 100), List.of("query", "limit"),
                "Input should be between 1 and 100", "range", limit);
        require(before == null || after == null, List.of("query", "before"),
                "before and after are mutually exclusive", "value_error", before);
        throwIfAny();
        return new PageRequest(before, after, limit == null ? 20 : limit, !"asc".equals(order));
    }

    void throwIfAny() {
        if (!errors.isEmpty()) {
            throw new ValidationProblem(errors);
        }
    }
}
