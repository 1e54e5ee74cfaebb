package io.exprun.server.api;

import io.exprun.server.domain.ErrorCode;
import io.exprun.server.error.ErrorResponses;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/**
 * exprun decodes no content coding, so a request in one ({@code Content-Encoding} other than {@code identity}) is
 * refused with 415 and {@code Accept-Encoding: identity}, as RFC 9110 (15.5.16) asks, before anything reads its
 * body: read as it is, a gzip body would be a JSON error and a mislabelled plain one would be accepted. Before
 * matching, so that every operation answers alike (the spec declares the 415 on each).
 */
@PreMatching
@Priority(Priorities.HEADER_DECORATOR)
public final class ContentEncodingFilter implements ContainerRequestFilter {

    private static final String IDENTITY = "identity";

    @Override
    public void filter(ContainerRequestContext request) {
        List<String> values = request.getHeaders().getOrDefault(HttpHeaders.CONTENT_ENCODING, List.of());
        for (String value : values) {
            for (String coding : value.split(",")) {
                String c = coding.strip();
                if (!c.isEmpty() && !c.equalsIgnoreCase(IDENTITY)) {
                    request.abortWith(Response.fromResponse(ErrorResponses.envelope(
                                    415,
                                    ErrorCode.UNSUPPORTED_CONTENT_ENCODING.wire(),
                                    "Content-Encoding other than identity is not "
                                            + "supported: send the body uncompressed",
                                    Map.of()))
                            .header(HttpHeaders.ACCEPT_ENCODING, IDENTITY)
                            .build());
                    return;
                }
            }
        }
    }
}
