package io.exprun.server.http;

import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.http.ChunkedTransferEncoding;
import org.glassfish.grizzly.http.HttpBrokenContentException;
import org.glassfish.grizzly.http.HttpCodecFilter.ContentParsingState;
import org.glassfish.grizzly.http.HttpCodecFilter.HeaderParsingState;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpPacketParsing;
import org.glassfish.grizzly.http.ParsingResult;
import org.glassfish.grizzly.http.TransferEncoding;

/**
 * Grizzly's chunked coding, read as RFC 9112 §7.1 says, where Grizzly's own reading differs in two ways:
 * <ul>
 *   <li>it refuses a chunk extension ({@code 1c;name=value}), which a recipient must ignore (§7.1.1): the extension's
 *       bytes are blanked before Grizzly reads the size line, which it then reads as a size followed by {@code ;} and
 *       spaces. Grizzly reads at most 16 bytes of a size line: a longer extension is refused (400), as §7.1.1 lets a
 *       server limit them;</li>
 *   <li>after a chunk's data it skips whatever precedes the next line feed, so a chunk longer than its declared size
 *       passes unnoticed: here the data must be followed by CRLF, else the body is broken (400, connection closed).</li>
 * </ul>
 * Responses are written by Grizzly's coding unchanged.
 */
final class StrictChunkedEncoding implements TransferEncoding {

    /** Grizzly's state once a size line is read and the chunk's data (then its CRLF) comes next. */
    private static final int SIZE_READ = 3;

    private final ChunkedTransferEncoding grizzly;

    StrictChunkedEncoding(int maxHeadersSize) {
        this.grizzly = new ChunkedTransferEncoding(maxHeadersSize);
    }

    @Override
    public ParsingResult parsePacket(FilterChainContext ctx, HttpHeader header, Buffer buffer) {
        HttpPacketParsing parsing = (HttpPacketParsing) header;
        ContentParsingState content = parsing.getContentParsingState();
        if (!content.isLastChunk && content.chunkRemainder <= 0) { // a chunk's end and the next size line come next
            HeaderParsingState state = parsing.getHeaderParsingState();
            int at = buffer.position();
            int limit = buffer.limit();
            if (state.state == SIZE_READ) {
                at = afterDataEnd(buffer, at, limit);
            } else if (state.state != 0) {
                at = state.start; // a size line Grizzly began reading in an earlier piece
            }
            blankExtension(buffer, at, limit);
        }
        return grizzly.parsePacket(ctx, header, buffer);
    }

    /** Where the size line after a chunk's data starts, checking the CRLF between them (its CR may be read already). */
    private static int afterDataEnd(Buffer buffer, int at, int limit) {
        if (at < limit && buffer.get(at) == '\r') {
            at++;
        }
        if (at == limit) {
            return limit;
        }
        if (buffer.get(at) != '\n') {
            throw new HttpBrokenContentException("A chunk's data is longer than its size");
        }
        return at + 1;
    }

    private static void blankExtension(Buffer buffer, int lineStart, int limit) {
        int i = lineStart;
        while (i < limit && buffer.get(i) != ';' && buffer.get(i) != '\n') {
            i++;
        }
        if (i == limit || buffer.get(i) != ';') {
            return;
        }
        for (i++; i < limit; i++) {
            byte b = buffer.get(i);
            if (b == '\r' || b == '\n') {
                return;
            }
            buffer.put(i, (byte) ' ');
        }
    }

    @Override
    public boolean wantDecode(HttpHeader header) {
        return grizzly.wantDecode(header);
    }

    @Override
    public boolean wantEncode(HttpHeader header) {
        return grizzly.wantEncode(header);
    }

    @Override
    public void prepareSerialize(FilterChainContext ctx, HttpHeader header, HttpContent content) {
        grizzly.prepareSerialize(ctx, header, content);
    }

    @Override
    public Buffer serializePacket(FilterChainContext ctx, HttpContent content) {
        return grizzly.serializePacket(ctx, content);
    }
}
