package io.exprun.server.http;

import io.exprun.server.ops.LogEscaping;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.util.DataChunk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the filter chain gives itself, before any handler runs ({@link FrontDoorCodec}'s refusals,
 * {@link WholeBodyFilter}'s 408 and 413), are seen as every other answer is: a line in the access log
 * ({@code exprun.access}) and a count in {@code http_server_requests}. A request refused before its request line was
 * read is logged with {@code -} for its method and target.
 */
public final class ChainAnswers {

    private static final Logger access = LoggerFactory.getLogger("exprun.access");

    private final EdgeHandler.DoorAnswers counted;

    public ChainAnswers(EdgeHandler.DoorAnswers counted) {
        this.counted = counted;
    }

    void answered(HttpRequestPacket request, int status, long nanos, String id, String why) {
        String method = text(request.getMethodDC());
        counted.answered(method, status, nanos);
        if (access.isInfoEnabled()) {
            access.info(
                    "{} {} {} {}us id={} (refused in the filter chain{})",
                    method,
                    text(request.getRequestURIRef().getRequestURIBC()),
                    status,
                    nanos / 1_000,
                    id,
                    why == null ? "" : ": " + why);
        }
    }

    private static String text(DataChunk chunk) {
        return chunk == null || chunk.isNull() || chunk.getLength() == 0 ? "-" : LogEscaping.escape(chunk.toString());
    }
}
