package io.exprun.server.http;

import io.exprun.server.error.ErrorResponses;
import io.exprun.server.ops.RequestIds;
import java.nio.charset.StandardCharsets;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.http.ChunkedTransferEncoding;
import org.glassfish.grizzly.http.HttpCodecFilter;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpPacket;
import org.glassfish.grizzly.http.HttpPacketParsing;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.Protocol;
import org.glassfish.grizzly.http.TransferEncoding;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.util.Header;
import org.glassfish.grizzly.http.util.HttpStatus;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.memory.MemoryManager;

/**
 * The listener's HTTP codec, Grizzly's own with exprun's rules where it decides framing and answers by itself:
 * <ul>
 *   <li>strict framing ({@link StrictFraming}, {@link StrictChunkedEncoding}): an ambiguous request is refused and the
 *       connection closed;</li>
 *   <li>an {@code Expect} other than {@code 100-continue} is refused 417;</li>
 *   <li>an HTTP/1.0 client never gets chunks, which it cannot read;</li>
 *   <li>every answer the codec gives itself (the above, and Grizzly's own: a bad {@code Content-Length}, an over-long
 *       header, an unknown HTTP version) is the JSON envelope with an {@code X-Request-Id}, and seen like every
 *       other answer ({@link ChainAnswers});</li>
 *   <li>every answer's status line carries the standard reason phrase ({@link ReasonPhrases}).</li>
 * </ul>
 */
final class FrontDoorCodec extends HttpServerFilter {

    /** The message a refused request's envelope carries (a request attribute). */
    private static final String REFUSAL = "exprun.refusal";

    private final ChainAnswers seen;

    @SuppressWarnings("deprecation") // the same constructor HttpServer itself uses for its codec
    FrontDoorCodec(NetworkListener listener, ChainAnswers seen) {
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
        this.seen = seen;
        for (TransferEncoding coding : getTransferEncodings()) {
            if (coding instanceof ChunkedTransferEncoding) {
                removeTransferEncoding(coding);
            }
        }
        addTransferEncoding(new StrictChunkedEncoding(maxHeadersSize));
    }

    /**
     * Grizzly's parser gets a header section only once all of it has arrived and {@link StrictFraming} has passed it,
     * since the parser rewrites what it reads (lower-cased names, unfolded lines). A section still incomplete at the
     * header size limit goes to the parser all the same, which refuses it for its size as before.
     */
    @Override
    protected boolean decodeHttpPacket(FilterChainContext ctx, HttpPacketParsing packet, Buffer input) {
        HttpCodecFilter.HeaderParsingState state = packet.getHeaderParsingState();
        boolean unread = state.state == 0 && state.subState == 0 && packet instanceof HttpRequestPacket;
        if (unread
                && StrictFraming.headerSectionEnd(input, state.offset, input.limit()) < 0
                && input.limit() < state.packetLimit) {
            return false; // wait for the rest
        }
        return super.decodeHttpPacket(ctx, packet, input);
    }

    @Override
    protected boolean onHttpHeaderParsed(HttpHeader header, Buffer buffer, FilterChainContext ctx) {
        HttpRequestPacket request = (HttpRequestPacket) header;
        StrictFraming.Refusal refusal = StrictFraming.refusal(request);
        if (refusal != null) {
            refuse(request, refusal);
            return true;
        }
        if (super.onHttpHeaderParsed(header, buffer, ctx)) {
            if (request.getResponse().getStatus() == 400 && hasBody(request)) {
                // the only refusal of Grizzly's with its 400 set here (the others get theirs as they are answered)
                request.setAttribute(
                        REFUSAL, "A " + request.getMethod().getMethodString() + " request may not carry a body");
            }
            return true;
        }
        String expect = request.getHeader(Header.Expect);
        if (expect != null && !"100-continue".equalsIgnoreCase(expect.strip())) {
            HttpStatus.EXPECTATION_FAILED_417.setValues(request.getResponse());
            return true;
        }
        return false;
    }

    private static boolean hasBody(HttpRequestPacket request) {
        return request.getMethod().getPayloadExpectation() == Method.PayloadExpectation.UNDEFINED
                && (request.getContentLength() > 0 || request.isChunked());
    }

    private static void refuse(HttpRequestPacket request, StrictFraming.Refusal refusal) {
        HttpStatus.getHttpStatus(refusal.status).setValues(request.getResponse());
        request.setAttribute(REFUSAL, refusal.getMessage());
    }

    @Override
    protected void onHttpHeaderError(HttpHeader header, FilterChainContext ctx, Throwable t)
            throws java.io.IOException {
        if (t instanceof StrictFraming.Refusal refusal) {
            // refused before the request line was parsed: no method is known (the access log shows "-"), and the
            // answer goes out in the version this server speaks
            HttpRequestPacket request = (HttpRequestPacket) header;
            request.setMethod("-");
            request.setProtocol(Protocol.HTTP_1_1);
            refuse(request, refusal);
        }
        super.onHttpHeaderError(header, ctx, t);
    }

    @Override
    protected void onHttpContentError(HttpHeader header, FilterChainContext ctx, Throwable t)
            throws java.io.IOException {
        if (header instanceof HttpRequestPacket request && request.getAttribute(REFUSAL) == null) {
            request.setAttribute(REFUSAL, "The request body is malformed: " + t.getMessage());
        }
        super.onHttpContentError(header, ctx, t);
    }

    /**
     * Every answer passes here on its way out: its status line gets the status's registered phrase, and one to an
     * HTTP/1.0 client that would go chunked (which Jersey's answers do not: {@code api/WholeBodiesForHttp10}) is
     * delimited by closing the connection instead.
     */
    @Override
    protected Buffer encodeHttpPacket(FilterChainContext ctx, HttpPacket input) {
        if (input.getHttpHeader() instanceof HttpResponsePacket response && !response.isCommitted()) {
            ReasonPhrases.standardize(response);
            if (response.isChunked() && response.getRequest().getProtocol() != Protocol.HTTP_1_1) {
                response.setChunked(false);
                response.getProcessingState().setKeepAlive(false);
            }
        }
        return super.encodeHttpPacket(ctx, input);
    }

    /** Grizzly's one way out for the answers it gives itself; the connection is closed after it. */
    @Override
    protected HttpContent customizeErrorResponse(HttpResponsePacket response) {
        long started = System.nanoTime();
        int status = response.getStatus();
        HttpRequestPacket request = response.getRequest();
        Object refusal = request.getAttribute(REFUSAL);
        String json = refusal == null
                ? JsonErrorPages.envelope(status, response.getReasonPhrase())
                : ErrorResponses.envelopeJson(status == 400 ? "bad_request" : "http_" + status, (String) refusal);
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String id = RequestIds.newId();
        response.setContentType("application/json");
        response.setHeader(RequestIds.HEADER, id);
        response.getProcessingState().setKeepAlive(false); // Grizzly hangs up after it: say so
        response.setContentLength(body.length);
        seen.answered(request, status, System.nanoTime() - started, id, refusal == null ? null : (String) refusal);
        Buffer content = Buffers.wrap(MemoryManager.DEFAULT_MEMORY_MANAGER, body);
        return HttpContent.builder(response).content(content).last(true).build();
    }
}
