package io.exprun.stub;

import java.lang.reflect.AnnotatedElement;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 side of {@link ExprunStub}: starts one {@link ExprunStubServer} per test class (kept in the class's
 * extension store, so JUnit stops it after the class), selects each test's scenario, and injects the server.
 */
public final class ExprunStubExtension implements BeforeEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(ExprunStubExtension.class);

    /** Stored in the class's store; JUnit closes it when the class is done. */
    private record Running(ExprunStubServer server) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            server.close();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Scenario scenario = annotation(context.getTestMethod().orElse(null))
                .or(() -> annotation(context.getRequiredTestClass()))
                .map(ExprunStub::value)
                .orElse(Scenario.EXAMPLES);
        server(context).scenario(scenario);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ExprunStubServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return server(context);
    }

    private static ExprunStubServer server(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent()
                && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        Class<?> testClass = classContext.getRequiredTestClass();
        String apiKey = annotation(testClass).map(ExprunStub::apiKey).orElse(ExprunStubServer.DEFAULT_API_KEY);
        return classContext
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(
                        Running.class,
                        k -> new Running(ExprunStubServer.start("127.0.0.1", 0, apiKey, Scenario.EXAMPLES)),
                        Running.class)
                .server();
    }

    private static Optional<ExprunStub> annotation(AnnotatedElement element) {
        return element == null ? Optional.empty() : AnnotationSupport.findAnnotation(element, ExprunStub.class);
    }
}
