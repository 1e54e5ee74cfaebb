package io.exprun.stub;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs an exprun stub for a JUnit 5 test class: one server per class (on a free loopback port), put back into the
 * selected {@link Scenario} before each test (requests and scenario state forgotten). Declare an
 * {@link ExprunStubServer} parameter on a test, a lifecycle method or the constructor to get it.
 *
 * <pre>{@code
 * @ExprunStub                                   // class: EXAMPLES unless a method says otherwise
 * class RunMonitorTest {
 *     @Test
 *     @ExprunStub(Scenario.RUN_COMPLETED)      // method: this test's scenario
 *     void a_completed_run_cannot_be_cancelled(ExprunStubServer stub) {
 *         ExprunClient client = ExprunClient.builder().baseUrl(stub.baseUrl()).apiKey(stub.apiKey()).build();
 *         ...
 *     }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@ExtendWith(ExprunStubExtension.class)
public @interface ExprunStub {

    /** The scenario of the test (on a method) or of every test without its own (on the class). */
    Scenario value() default Scenario.EXAMPLES;

    /** The bearer key the stub accepts; read from the class-level annotation when the server starts. */
    String apiKey() default ExprunStubServer.DEFAULT_API_KEY;
}
