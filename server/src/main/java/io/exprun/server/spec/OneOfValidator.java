package io.exprun.server.spec;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import java.util.Set;

/** Checks {@link OneOf}. */
public final class OneOfValidator implements ConstraintValidator<OneOf, Object> {

    private Set<String> allowed;

    @Override
    public void initialize(OneOf annotation) {
        allowed = Set.of(annotation.value());
    }

    @Override
    public boolean isValid(Object value, ConstraintValidatorContext context) {
        return value == null || allowed.contains(value.toString());
    }
}
