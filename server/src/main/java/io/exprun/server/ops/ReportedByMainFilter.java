package io.exprun.server.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops HikariCP's "Exception during pool initialization" ERROR, logged with a full stack trace when the database
 * cannot be reached at start-up. {@link io.exprun.server.Main} reports that same failure as two lines saying what to
 * do, and logs the trace at DEBUG; the copy from the pool would bury those lines. Every other Hikari message stays.
 * Registered in logback.xml.
 */
public final class ReportedByMainFilter extends TurboFilter {

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level == Level.ERROR && format != null && format.contains("Exception during pool initialization")
                && logger.getName().startsWith("com.zaxxer.hikari")) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}
