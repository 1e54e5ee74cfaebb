package io.exprun.server.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the method of an {@link ExprunServerTest} class that gives the server's config: it takes the fresh config the
 * annotation describes ({@code ServerConfig}) and returns the one to start with (the class's limits, retention…).
 * At most one per class hierarchy; a subclass's method hides its superclass's by overriding it.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ServerConfiguration {}
