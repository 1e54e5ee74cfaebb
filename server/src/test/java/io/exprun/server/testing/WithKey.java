package io.exprun.server.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The API key an injected {@link Http} sends ({@link ExprunServerTest}); {@link #NONE} for one that sends no
 * {@code Authorization} header at all. Without it, the key is {@link RunFixtures#KEY_A}.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface WithKey {

    /** No key: the client is anonymous. */
    String NONE = "";

    String value();
}
