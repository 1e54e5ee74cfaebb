package io.exprun.server.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class with one real exprun server ({@link TestServer}) for all its tests, like Helidon's {@code @ServerTest}:
 * started before the class's first {@code @BeforeAll}, stopped after its last {@code @AfterAll}. Fields of the class
 * (static or not, in it or its superclasses) of type {@link TestServer}, {@link Http} or {@link RunFixtures} that the
 * class leaves unset are filled in, and so are test and lifecycle method parameters of those types. An {@link Http}
 * speaks with {@link RunFixtures#KEY_A} unless marked {@link WithKey}.
 *
 * <p>The server runs on a fresh database of {@link #database()} with {@link #workers()} worker threads, otherwise as
 * {@link TestServer#embeddedConfig(int)}; a method of the class marked {@link ServerConfiguration} (static, or an
 * instance method under {@code @TestInstance(PER_CLASS)}) may change that config before the start. A subclass's
 * annotation replaces its superclass's, so an abstract contract test runs once per database through subclasses that
 * carry only this annotation.
 *
 * <p>Classes that start, stop or kill servers themselves, or run two at once, start {@link TestServer} directly.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
@ExtendWith(ExprunServerExtension.class)
public @interface ExprunServerTest {

    /** The database the server gets: a fresh one of this kind for the class. */
    Database database() default Database.SQLITE;

    /** Worker threads; 0 leaves runs exactly where fixtures put them. */
    int workers() default 0;

    enum Database {
        SQLITE("sqlite"),
        POSTGRES("postgres");

        final String kind;

        Database(String kind) {
            this.kind = kind;
        }
    }
}
