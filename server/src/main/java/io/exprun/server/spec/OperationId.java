package io.exprun.server.spec;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The spec's {@code operationId} of a method of the generated interfaces, put there by the generator (the template
 * override openapi/templates/jaxrs-spec/returnTypeInterface.mustache): how the server knows which operation a resource
 * method serves, without matching paths.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OperationId {
    String value();
}
