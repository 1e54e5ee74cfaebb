package io.exprun.server.api;

import io.exprun.server.domain.Experiment;
import io.exprun.server.domain.Result;
import io.exprun.server.domain.Run;
import jakarta.ws.rs.RedirectionException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * The validators of the contract (0.3.0): a strong {@code ETag} on the answers of a run, a result and an experiment,
 * made of the row version the database keeps (migration V8), never of the answer's bytes; {@code If-None-Match} → 304
 * on reads, {@code If-Match} as the condition of an experiment's change. The comparisons are RFC 9110's (§13.1.1,
 * §13.1.2): {@code If-None-Match} compares weakly, {@code If-Match} strongly, {@code *} matches any current
 * representation. Done here rather than by JAX-RS's {@code Request.evaluatePreconditions}, because a wait ends on
 * another thread, where the request's proxies do not reach.
 */
public final class EntityTags implements ContainerResponseFilter {

    /** The request property holding the tag its 200 carries; set before the answer, filled when it is known. */
    private static final String TAG = "exprun.entityTag";

    /** A run's answer changes exactly when its row version does. */
    public static EntityTag of(Run run) {
        return new EntityTag(Long.toString(run.version()));
    }

    /** A result's version is that of what it reads, its run's cancel included (the results view, V8). */
    public static EntityTag of(Result result) {
        return new EntityTag(Long.toString(result.version()));
    }

    /**
     * An experiment's answer names its newest run, which a run's creation changes without touching the experiment's
     * row (a run holds that row shared, so that runs of one experiment are created side by side): the tag is the row
     * version and that run's id.
     */
    public static EntityTag of(Experiment experiment) {
        return new EntityTag(
                experiment.version() + (experiment.lastRunId() == null ? "" : "." + experiment.lastRunId()));
    }

    /**
     * Where the tag of this request's answer goes, to be filled once the answer is known (possibly on another thread);
     * the 200 then carries it.
     */
    static AtomicReference<EntityTag> slot(ContainerRequestContext request) {
        AtomicReference<EntityTag> slot = new AtomicReference<>();
        request.setProperty(TAG, slot);
        return slot;
    }

    /**
     * The answer of a read whose current tag is {@code tag}: thrown as a 304 (no body, the tag repeated) when
     * {@code ifNoneMatch} still matches it, else recorded in {@code slot} for the 200.
     */
    static void answer(AtomicReference<EntityTag> slot, String ifNoneMatch, EntityTag tag) {
        if (ifNoneMatch != null && anyMatches(ifNoneMatch, tag, false)) {
            throw new RedirectionException(Response.notModified(tag).build());
        }
        slot.set(tag);
    }

    /** The condition an {@code If-Match} header puts on an experiment's change; null without one. */
    static Predicate<Experiment> ifMatch(String ifMatch) {
        return ifMatch == null ? null : current -> anyMatches(ifMatch, of(current), true);
    }

    /**
     * Whether the header's list ({@code *}, or entity-tags separated by commas) has one matching {@code current}:
     * strongly (both strong, same opaque tag) or weakly (same opaque tag).
     */
    static boolean anyMatches(String header, EntityTag current, boolean strong) {
        String list = header.trim();
        if (list.equals("*")) {
            return true;
        }
        int i = 0;
        while (i < list.length()) {
            while (i < list.length() && (list.charAt(i) == ',' || list.charAt(i) == ' ' || list.charAt(i) == '\t')) {
                i++;
            }
            if (i >= list.length()) {
                break;
            }
            boolean weak = list.startsWith("W/", i);
            int open = weak ? i + 2 : i;
            if (open >= list.length() || list.charAt(open) != '"') {
                return false; // not a list of entity-tags: nothing in it matches
            }
            int close = list.indexOf('"', open + 1);
            if (close < 0) {
                return false;
            }
            String opaque = list.substring(open + 1, close);
            if (opaque.equals(current.getValue()) && !(strong && (weak || current.isWeak()))) {
                return true;
            }
            i = close + 1;
        }
        return false;
    }

    /** Puts the recorded tag on the request's 200. */
    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.getStatus() == 200
                && request.getProperty(TAG) instanceof AtomicReference<?> slot
                && slot.get() instanceof EntityTag tag) {
            response.getHeaders().putSingle(HttpHeaders.ETAG, tag);
        }
    }
}
