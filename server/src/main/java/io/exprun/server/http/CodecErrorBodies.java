package io.exprun.server.http;

import io.exprun.server.ops.RequestIds;
import java.nio.charset.StandardCharsets;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpPacket;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.util.Header;
import org.glassfish.grizzly.http.util.HttpStatus;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.memory.MemoryManager;

/**
 * Requests so malformed that Grizzly's HTTP codec answers them itself, before any handler runs (a non-numeric or
 * doubled {@code Content-Length}, an over-long header, an unknown HTTP version, an {@code Expect} other than
 * {@code 100-continue}), get the same answer as every other error: the JSON envelope and an {@code X-Request-Id}.
 * Grizzly's codec offers {@code customizeErrorResponse} for exactly this; this add-on swaps the listener's codec for
 * one that uses it, built with the listener's own settings. Being the codec, it also writes every answer's status
 * line, with the standard reason phrase ({@link ReasonPhrases}).
 */
public final class CodecErrorBodies implements AddOn {

    @Override
    public void setup(NetworkListener listener, FilterChainBuilder builder) {
        int index = builder.indexOfType(HttpServerFilter.class);
        if (index < 0) {
            throw new IllegalStateException("no HTTP codec in the listener's filter chain");
        }
        HttpServerFilter stock = (HttpServerFilter) builder.get(index);
        JsonErrorCodec codec = new JsonErrorCodec(listener);
        codec.setAllowPayloadForUndefinedHttpMethods(stock.isAllowPayloadForUndefinedHttpMethods());
        codec.setMaxPayloadRemainderToSkip(stock.getMaxPayloadRemainderToSkip());
        codec.getMonitoringConfig().addProbes(stock.getMonitoringConfig().getProbes());
        for (var encoding : stock.getContentEncodings()) {
            codec.addContentEncoding(encoding);
        }
        builder.set(index, codec);
    }

    private static final class JsonErrorCodec extends HttpServerFilter {

        @SuppressWarnings("deprecation") // the same constructor HttpServer itself uses for its codec
        JsonErrorCodec(NetworkListener listener) {
            super(
                    listener.isChunkingEnabled(),
                    listener.getMaxHttpHeaderSize() == -1
                            ? DEFAULT_MAX_HTTP_PACKET_HEADER_SIZE
                            : listener.getMaxHttpHeaderSize(),
                    null,
                    listener.getKeepAlive(),
                    null,
                    listener.getMaxRequestHeaders(),
                    listener.getMaxResponseHeaders());
        }

        /** An expectation we cannot meet is refused here, so its 417 goes out through customizeErrorResponse too. */
        @Override
        protected boolean onHttpHeaderParsed(HttpHeader header, Buffer buffer, FilterChainContext ctx) {
            if (super.onHttpHeaderParsed(header, buffer, ctx)) {
                return true;
            }
            String expect = header.getHeader(Header.Expect);
            if (expect != null
                    && !"100-continue".equalsIgnoreCase(expect.strip())
                    && header instanceof HttpRequestPacket request) {
                HttpStatus.EXPECTATION_FAILED_417.setValues(request.getResponse());
                return true;
            }
            return false;
        }

        /** Every answer passes here on its way out: its status line gets the status's registered phrase. */
        @Override
        protected Buffer encodeHttpPacket(FilterChainContext ctx, HttpPacket input) {
            if (input.getHttpHeader() instanceof HttpResponsePacket response && !response.isCommitted()) {
                ReasonPhrases.standardize(response);
            }
            return super.encodeHttpPacket(ctx, input);
        }

        @Override
        protected HttpContent customizeErrorResponse(HttpResponsePacket response) {
            int status = response.getStatus();
            byte[] body =
                    JsonErrorPages.envelope(status, response.getReasonPhrase()).getBytes(StandardCharsets.UTF_8);
            response.setContentType("application/json");
            response.setHeader(RequestIds.HEADER, RequestIds.newId());
            response.setContentLength(body.length);
            Buffer content = Buffers.wrap(MemoryManager.DEFAULT_MEMORY_MANAGER, body);
            return HttpContent.builder(response).content(content).last(true).build();
        }
    }
}
