package io.exprun.server.testing;

import io.exprun.server.config.ServerConfig;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * What {@link ExprunServerTest} does: one {@link TestServer} per test class, kept in the class's extension store. It
 * is started by whichever comes first, the class's {@code beforeAll} or (under {@code PER_CLASS}, where the instance
 * exists before {@code beforeAll}) the instance's post-processing, and stopped after the class's {@code @AfterAll}
 * methods, so they can still use it.
 */
public final class ExprunServerExtension
        implements BeforeAllCallback, AfterAllCallback, TestInstancePostProcessor, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(ExprunServerExtension.class);
    private static final List<Class<?>> INJECTED = List.of(TestServer.class, Http.class, RunFixtures.class);

    @Override
    public void postProcessTestInstance(Object instance, ExtensionContext context) {
        TestServer server = serverOf(classContext(context), instance);
        inject(instance.getClass(), instance, server, false);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        TestServer server = serverOf(context, context.getTestInstance().orElse(null));
        inject(context.getRequiredTestClass(), null, server, true);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        TestServer server = context.getStore(NAMESPACE).remove(context.getRequiredTestClass(), TestServer.class);
        if (server != null) {
            server.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return INJECTED.contains(parameter.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext classContext = classContext(context);
        TestServer server =
                serverOf(classContext, classContext.getTestInstance().orElse(null));
        return valueFor(parameter.getParameter().getType(), parameter.findAnnotation(WithKey.class), server);
    }

    /** The class's server, started with its config on first use. */
    private static TestServer serverOf(ExtensionContext classContext, Object instance) {
        Class<?> testClass = classContext.getRequiredTestClass();
        return classContext
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(
                        testClass, c -> TestServer.start(configOf(testClass, instance)), TestServer.class);
    }

    /** The config the class asks for; package-private for its negative controls. */
    static ServerConfig configOf(Class<?> testClass, Object instance) {
        ExprunServerTest test = AnnotationSupport.findAnnotation(testClass, ExprunServerTest.class)
                .orElseThrow(() -> new ExtensionConfigurationException(testClass + " is not an @ExprunServerTest"));
        ServerConfig fresh = TestServer.config(test.database().kind, test.workers());
        List<Method> tweaks = AnnotationSupport.findAnnotatedMethods(
                testClass, ServerConfiguration.class, HierarchyTraversalMode.BOTTOM_UP);
        if (tweaks.isEmpty()) {
            return fresh;
        }
        if (tweaks.size() > 1) {
            throw new ExtensionConfigurationException(
                    testClass + " has more than one @ServerConfiguration method: " + tweaks);
        }
        Method tweak = tweaks.get(0);
        boolean isStatic = Modifier.isStatic(tweak.getModifiers());
        if (!isStatic && instance == null) {
            throw new ExtensionConfigurationException(tweak + " is an instance method: make it static, or the class"
                    + " @TestInstance(PER_CLASS) so that an instance exists before the server starts");
        }
        if (tweak.getParameterCount() != 1
                || tweak.getParameterTypes()[0] != ServerConfig.class
                || tweak.getReturnType() != ServerConfig.class) {
            throw new ExtensionConfigurationException(tweak + " must take a ServerConfig and return one");
        }
        return (ServerConfig) ReflectionSupport.invokeMethod(tweak, isStatic ? null : instance, fresh);
    }

    /** The fields of {@link #INJECTED} types, static or not ({@code statics}), that the class left unset. */
    private static void inject(Class<?> testClass, Object instance, TestServer server, boolean statics) {
        List<Field> fields = ReflectionSupport.findFields(
                testClass,
                f -> INJECTED.contains(f.getType())
                        && Modifier.isStatic(f.getModifiers()) == statics
                        && !Modifier.isFinal(f.getModifiers()),
                HierarchyTraversalMode.TOP_DOWN);
        for (Field field : fields) {
            try {
                field.setAccessible(true);
                if (field.get(instance) == null) {
                    field.set(
                            instance,
                            valueFor(field.getType(), Optional.ofNullable(field.getAnnotation(WithKey.class)), server));
                }
            } catch (IllegalAccessException e) {
                throw new ExtensionConfigurationException("cannot set " + field, e);
            }
        }
    }

    private static Object valueFor(Class<?> type, Optional<WithKey> key, TestServer server) {
        if (type == TestServer.class) {
            return server;
        }
        if (type == RunFixtures.class) {
            return server.fixtures();
        }
        String apiKey = key.map(WithKey::value).orElse(RunFixtures.KEY_A);
        return new Http(server.baseUri(), apiKey.equals(WithKey.NONE) ? null : apiKey);
    }

    /** The context of the test class a test method's context belongs to (the class's own context is its own). */
    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent()) {
            c = c.getParent().orElseThrow();
        }
        return c;
    }
}
