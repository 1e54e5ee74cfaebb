package io.exprun.server.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.http.HttpPacketParsing;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.Protocol;
import org.glassfish.grizzly.http.util.Header;

/**
 * The rules by which exprun decides where a request ends (RFC 9112), stricter than Grizzly's parser, so that no proxy in
 * front can read a message one way and exprun another (request smuggling). Anything ambiguous is refused, never
 * repaired:
 * <ul>
 *   <li>{@link #headerSectionEnd} reads the raw header section before Grizzly's parser does, because the parser bends
 *       it beyond what any hook can see afterwards: it unfolds obs-fold lines in place (§5.2), takes everything up to a
 *       colon as the field name, whitespace included (§5.1), and reads past the end of a line without a colon looking
 *       for one (so such a request was never answered);</li>
 *   <li>{@link #refusal} judges the parsed header: Transfer-Encoding must be exactly {@code chunked} (§6.1, §6.3: a
 *       coding before it is one this server does not implement, a list not ending in it has no determinable length),
 *       never beside Content-Length nor from an HTTP/1.0 client (§6.1), Content-Length only digits (§6.3), and
 *       CONNECT is not served.</li>
 * </ul>
 * Every refusal closes the connection: after an ambiguous message, where the next one starts is unknown.
 */
final class StrictFraming {

    private StrictFraming() {}

    /** A request refused for its framing: the status and the message its error envelope carries. */
    static final class Refusal extends RuntimeException {
        final int status;

        Refusal(int status, String message) {
            super(message, null, false, false); // no stack trace: a client's mistake, not the server's
            this.status = status;
        }
    }

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c : "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    /**
     * Checks the header section that starts at {@code from}: the request line holds no control characters; each field
     * line is a token, a colon and a value; no line starts with whitespace (obs-fold); a CR only ends a line, which
     * ends in CRLF (or LF, as Grizzly accepts). Other control characters in a value (NUL) are no framing matter: the
     * operations judge the headers they declare (a NUL in {@code Idempotency-Key} is a 422 there).
     *
     * @return the index just past the empty line that ends the section, or -1 if it has not all arrived yet
     * @throws Refusal for the first line that breaks a rule
     */
    static int headerSectionEnd(Buffer input, int from, int limit) {
        int line = from;
        boolean requestLine = true;
        while (true) {
            int lf = line;
            while (lf < limit && input.get(lf) != LF) {
                lf++;
            }
            if (lf == limit) {
                return -1;
            }
            int end = lf > line && input.get(lf - 1) == CR ? lf - 1 : lf;
            if (requestLine) {
                checkRequestLine(input, line, end);
                requestLine = false;
            } else if (end == line) {
                return lf + 1;
            } else {
                checkFieldLine(input, line, end);
            }
            line = lf + 1;
        }
    }

    private static void checkRequestLine(Buffer input, int start, int end) {
        if (end == start) {
            throw new Refusal(400, "The request line is empty");
        }
        for (int i = start; i < end; i++) {
            if (isControl(input.get(i))) {
                throw new Refusal(400, "The request line holds a control character");
            }
        }
    }

    private static void checkFieldLine(Buffer input, int start, int end) {
        byte first = input.get(start);
        if (first == ' ' || first == '\t') {
            throw new Refusal(400, "A header field is folded over several lines (obs-fold, RFC 9112 §5.2)");
        }
        int colon = start;
        while (colon < end && input.get(colon) != ':') {
            byte b = input.get(colon);
            if (b < 0 || !TCHAR[b]) {
                throw new Refusal(
                        400,
                        b == ' ' || b == '\t'
                                ? "A header field name is followed by whitespace before its colon (RFC 9112 §5.1)"
                                : "A header line has no colon, or its field name holds a character a token cannot");
            }
            colon++;
        }
        if (colon == end || colon == start) {
            throw new Refusal(400, "A header line has no colon, or no field name before it");
        }
        for (int i = colon + 1; i < end; i++) {
            if (input.get(i) == CR) {
                throw new Refusal(400, "A header field value holds a CR that ends no line (RFC 9112 §2.2)");
            }
        }
    }

    private static boolean isControl(byte b) {
        return (b >= 0 && b < 0x20) || b == 0x7f;
    }

    /**
     * The refusal the parsed request deserves for its framing, or null. A Transfer-Encoding of exactly {@code chunked}
     * is marked chunked here, as Grizzly's parser, which only compares the first field's first bytes, may not have.
     */
    static Refusal refusal(HttpRequestPacket request) {
        if ("CONNECT".equals(request.getMethod().getMethodString())) {
            return new Refusal(501, "CONNECT is not supported: this server is no proxy");
        }
        for (String length : request.getHeaders().values(Header.ContentLength)) {
            if (length.isEmpty() || !length.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return new Refusal(400, "Content-Length is not a number of bytes");
            }
        }
        List<String> codings = transferCodings(request);
        if (codings == null) {
            return null;
        }
        Protocol protocol;
        try {
            protocol = request.getProtocol();
        } catch (IllegalStateException unknownVersion) {
            return null; // Grizzly answers that 505
        }
        if (protocol != Protocol.HTTP_1_1) {
            return new Refusal(400, "Transfer-Encoding is not allowed in an HTTP/1.0 request (RFC 9112 §6.1)");
        }
        // Grizzly drops a Content-Length it read before a chunked Transfer-Encoding: its count remembers it
        if (request.getHeaders().getHeader(Header.ContentLength) != null
                || ((HttpPacketParsing) request).getHeaderParsingState().contentLengthHeadersCount > 0) {
            return new Refusal(400, "Content-Length and Transfer-Encoding together (RFC 9112 §6.1): send one of them");
        }
        if (codings.isEmpty() || !"chunked".equals(codings.get(codings.size() - 1))) {
            return new Refusal(400, "Transfer-Encoding does not end in chunked: the body length is unknown (§6.3)");
        }
        if (codings.indexOf("chunked") != codings.size() - 1) {
            return new Refusal(400, "Transfer-Encoding applies chunked more than once (RFC 9112 §7)");
        }
        if (codings.size() > 1) {
            return new Refusal(
                    501, "Transfer coding not supported: " + String.join(", ", codings.subList(0, codings.size() - 1)));
        }
        request.setContentLengthLong(-1);
        request.setChunked(true);
        return null;
    }

    /** Every Transfer-Encoding field's codings, in order, lower case; null without the field. */
    private static List<String> transferCodings(HttpRequestPacket request) {
        List<String> codings = null;
        for (String field : request.getHeaders().values(Header.TransferEncoding)) {
            if (codings == null) {
                codings = new ArrayList<>(2);
            }
            for (String coding : field.split(",", -1)) {
                String name = coding.strip().toLowerCase(Locale.ROOT);
                if (!name.isEmpty()) { // a list may hold empty elements (RFC 9110 §5.6.1)
                    codings.add(name);
                }
            }
        }
        return codings;
    }
}
