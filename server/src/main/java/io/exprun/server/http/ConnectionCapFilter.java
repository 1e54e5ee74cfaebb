package io.exprun.server.http;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.filterchain.TransportFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the open client connections at or under a cap (EXPRUN_MAX_CONNECTIONS, see {@code config/ConnectionCap}),
 * first in the filter chain after the transport. Grizzly 4 has no such setting of its own. A connection accepted over
 * the cap makes room by closing the oldest connection that has not sent a byte yet (a silent one holds a descriptor
 * and asks for nothing: a flood of them must not lock out a health probe or a real client); when every connection has
 * spoken, the new one is closed at once instead. Either way the descriptors in use stay under the process's limit, so
 * accept() never fails with EMFILE and the selector never spins on a listening socket it cannot drain.
 *
 * <p>Reaching the cap is logged once (WARN), and being back under 90% of it once (INFO): a flood must not become a
 * flood of log lines. Each connection closed for room is counted ({@link Events#closedForRoom}).
 */
public final class ConnectionCapFilter extends BaseFilter {

    private static final Logger log = LoggerFactory.getLogger(ConnectionCapFilter.class);

    /** Told of each connection closed to stay under the cap. */
    public interface Events {
        /** @param silentOne true when an older connection that never spoke made room, false when the new one went */
        void closedForRoom(boolean silentOne);
    }

    private final int cap;
    private final Events events;
    private final Set<Connection<?>> open = ConcurrentHashMap.newKeySet();
    /** Connections that have not sent a byte yet, oldest first; guarded by itself. */
    private final Set<Connection<?>> silent = new LinkedHashSet<>();
    /** Whether the cap was reached and the WARN given, until the connections fall back under 90% of it. */
    private boolean atCap;

    private ConnectionCapFilter(int cap, Events events) {
        this.cap = cap;
        this.events = events;
    }

    /** A filter keeping connections at or under {@code cap}, telling {@code events} of those it closes. */
    public static ConnectionCapFilter of(int cap, Events events) {
        log.info("accepting at most {} client connections at once", cap);
        return new ConnectionCapFilter(cap, events);
    }

    /** Installs this filter right after the listener's transport filter. */
    public AddOn addOn() {
        return (NetworkListener listener, FilterChainBuilder builder) ->
                builder.add(builder.indexOfType(TransportFilter.class) + 1, this);
    }

    /** Connections open now (for the metrics). */
    public int open() {
        return open.size();
    }

    @Override
    public NextAction handleAccept(FilterChainContext ctx) {
        Connection<?> connection = ctx.getConnection();
        Connection<?> makesRoom = null;
        boolean refused = false;
        synchronized (silent) {
            open.add(connection);
            if (open.size() > cap) {
                warnOnce();
                Iterator<Connection<?>> oldest = silent.iterator();
                if (oldest.hasNext()) {
                    makesRoom = oldest.next();
                    oldest.remove();
                } else {
                    refused = true;
                }
            }
            if (!refused) {
                silent.add(connection);
            }
        }
        if (refused) {
            events.closedForRoom(false);
            connection.closeSilently();
            return ctx.getStopAction();
        }
        if (makesRoom != null) {
            events.closedForRoom(true);
            makesRoom.closeSilently();
        }
        return ctx.getInvokeAction();
    }

    /** Called holding the lock. */
    private void warnOnce() {
        if (!atCap) {
            atCap = true;
            log.warn(
                    "{} client connections are open, the cap (EXPRUN_MAX_CONNECTIONS): connections over it are closed,"
                            + " silent ones first, until fewer are open (counted in"
                            + " exprun_connections_closed_for_room_total)",
                    cap);
        }
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) {
        synchronized (silent) {
            silent.remove(ctx.getConnection());
        }
        return ctx.getInvokeAction();
    }

    @Override
    public NextAction handleClose(FilterChainContext ctx) {
        Connection<?> connection = ctx.getConnection();
        synchronized (silent) {
            silent.remove(connection);
            if (open.remove(connection) && atCap && open.size() <= cap * 9L / 10) {
                atCap = false;
                log.info("{} client connections are open, back under the cap of {}", open.size(), cap);
            }
        }
        return ctx.getInvokeAction();
    }
}
