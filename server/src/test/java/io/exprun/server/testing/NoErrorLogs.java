package io.exprun.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * A test class during which no server in this JVM logs at ERROR: bad input is the caller's mistake, answered in the
 * contract's shape, never a failure of ours. Tests in one JVM run one class at a time, so what is logged meanwhile is
 * the class's own.
 */
public final class NoErrorLogs implements BeforeAllCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NoErrorLogs.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        ListAppender<ILoggingEvent> errors = new ListAppender<>() {
            @Override
            protected void append(ILoggingEvent event) {
                if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
                    super.append(event);
                }
            }
        };
        errors.start();
        root().addAppender(errors);
        context.getStore(NS).put("errors", errors);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void afterAll(ExtensionContext context) {
        ListAppender<ILoggingEvent> errors = context.getStore(NS).remove("errors", ListAppender.class);
        root().detachAppender(errors);
        assertThat(errors.list)
                .as("ERROR lines logged during %s", context.getDisplayName())
                .extracting(ILoggingEvent::getFormattedMessage)
                .isEmpty();
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
