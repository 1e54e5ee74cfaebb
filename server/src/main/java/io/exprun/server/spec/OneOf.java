package io.exprun.server.spec;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The value must be one of the spec's enum values. Put on query parameters by the generator (template override
 * {@code openapi/templates/jaxrs-spec/beanValidationQueryParams.mustache}): the values come from the YAML, never from
 * Java. A null value is valid (absence is {@code @NotNull}'s business).
 */
@Documented
@Constraint(validatedBy = OneOfValidator.class)
@Target({ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface OneOf {

    /** The allowed values, as the spec lists them. */
    String[] value();

    String message() default "Input should be one of {value}";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
