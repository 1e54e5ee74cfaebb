package io.exprun.server.http;

import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;

/**
 * Swaps the listener's HTTP codec for {@link FrontDoorCodec}, built with the listener's own settings: strict framing,
 * and the answers Grizzly's codec gives by itself in the same JSON envelope as every other error, seen in the access log
 * and the metrics.
 */
public final class CodecErrorBodies implements AddOn {

    private final ChainAnswers seen;

    public CodecErrorBodies(ChainAnswers seen) {
        this.seen = seen;
    }

    @Override
    public void setup(NetworkListener listener, FilterChainBuilder builder) {
        int index = builder.indexOfType(HttpServerFilter.class);
        if (index < 0) {
            throw new IllegalStateException("no HTTP codec in the listener's filter chain");
        }
        HttpServerFilter stock = (HttpServerFilter) builder.get(index);
        FrontDoorCodec codec = new FrontDoorCodec(listener, seen);
        codec.setAllowPayloadForUndefinedHttpMethods(stock.isAllowPayloadForUndefinedHttpMethods());
        codec.setMaxPayloadRemainderToSkip(stock.getMaxPayloadRemainderToSkip());
        codec.getMonitoringConfig().addProbes(stock.getMonitoringConfig().getProbes());
        for (var encoding : stock.getContentEncodings()) {
            codec.addContentEncoding(encoding);
        }
        builder.set(index, codec);
    }
}
