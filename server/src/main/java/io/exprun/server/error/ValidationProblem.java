package io.exprun.server.error;

import io.exprun.server.generated.model.ValidationError;
import java.util.List;

/** The request is well-formed HTTP but breaks the contract's rules: answered 422 with every problem found. */
public final class ValidationProblem extends RuntimeException {
    private final List<ValidationError> errors;

    public ValidationProblem(List<ValidationError> errors) {
        super("validation failed", null, false, false);
        this.errors = List.copyOf(errors);
    }

    public List<ValidationError> errors() {
        return errors;
    }
}
