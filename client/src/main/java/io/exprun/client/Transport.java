package io.exprun.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.exprun.client.generated.ApiClient;
import io.exprun.client.generated.ApiException;
import io.exprun.client.generated.ApiResponse;
import io.exprun.client.generated.api.ExperimentResultsApi;
import io.exprun.client.generated.api.ExperimentRunsApi;
import io.exprun.client.generated.api.ExperimentsApi;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What every operation of the client shares: the generated APIs on one {@link HttpClient}, one call with its retries
 * under one deadline, each request's timeout, and the translation of a failure into the client's typed exceptions.
 *
 * <p>Retries: exponential backoff with full jitter on connection failures and timeouts, 429, 502, 503 and 504,
 * honouring {@code Retry-After}; no retry starts, and no request waits, past the call's deadline. Which operations
 * may be retried, and what a retry that meets the earlier attempt's effect means, the resources say.
 *
 * <p>Over 250 lines because it is the one place every call goes through: its retries, its deadline and request
 * timeout, and the translation of every failure, which must agree.
 */
final class Transport {

    final ApiClient apiClient;
    final ExperimentRunsApi runsApi;
    final ExperimentResultsApi resultsApi;
    final ExperimentsApi experimentsApi;
    final ObjectMapper mapper;
    final Duration deadline;
    final Duration requestTimeout;
    private final int maxAttempts;
    private final Duration baseDelay;
    private final Duration maxDelay;
    /** The deadline (System.nanoTime) of the call running on this thread, read by the request interceptor. */
    private final ThreadLocal<Long> callDeadline = new ThreadLocal<>();
    /** The timeout of each request of the call running on this thread, when it is not the client's (a wait's). */
    private final ThreadLocal<Duration> callRequestTimeout = new ThreadLocal<>();

    @FunctionalInterface
    interface Call<T> {
        T call() throws ApiException;
    }

    record Settings(
            String baseUrl,
            String apiKey,
            String userAgent,
            HttpClient httpClient,
            HttpClient.Builder httpClientBuilder,
            Duration requestTimeout,
            Duration deadline,
            int maxAttempts,
            Duration baseDelay,
            Duration maxDelay) {}

    Transport(Settings s) {
        this.mapper = ForwardCompatibility.install(ApiClient.createDefaultObjectMapper());
        HttpClient http = s.httpClient();
        // the generated ApiClient builds a new HttpClient on every getHttpClient() (each API asks once): hand it ours
        this.apiClient =
                new ApiClient(s.httpClientBuilder(), mapper, s.baseUrl().replaceAll("/+$", "")) {
                    @Override
                    public HttpClient getHttpClient() {
                        return http;
                    }
                };
        apiClient.setReadTimeout(s.requestTimeout());
        this.requestTimeout = s.requestTimeout();
        this.deadline = s.deadline();
        this.maxAttempts = s.maxAttempts();
        this.baseDelay = s.baseDelay();
        this.maxDelay = s.maxDelay();
        String authorization = s.apiKey() == null ? null : "Bearer " + s.apiKey();
        String userAgent = s.userAgent();
        apiClient.setRequestInterceptor(request -> {
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            request.header("User-Agent", userAgent);
            Duration timeout = callRequestTimeout.get() != null ? callRequestTimeout.get() : requestTimeout;
            request.timeout(timeout);
            Long callEnds = callDeadline.get();
            if (callEnds != null) { // no request waits past the call's deadline
                long left = Math.max(1, callEnds - System.nanoTime());
                request.timeout(min(timeout, Duration.ofNanos(left)));
            }
        });
        this.runsApi = new ExperimentRunsApi(apiClient);
        this.resultsApi = new ExperimentResultsApi(apiClient);
        this.experimentsApi = new ExperimentsApi(apiClient);
    }

    /** One call with the client's deadline and request timeout. */
    <T> T call(String operation, Call<T> call) {
        return call(operation, RequestOptions.none(), null, call);
    }

    /**
     * One call: its attempts, retried while the answer says "not now", all within the call's deadline ({@code
     * options.timeout()}, else the client's).
     *
     * @param requestTimeout each request's timeout, when not the client's (a wait asks for longer); null: the client's
     */
    <T> T call(String operation, RequestOptions options, Duration requestTimeout, Call<T> call) {
        Long outer = callDeadline.get();
        Duration callTimeout = options.timeout() != null ? options.timeout() : deadline;
        long ends = outer != null ? outer : System.nanoTime() + callTimeout.toNanos();
        callDeadline.set(ends);
        Duration outerTimeout = callRequestTimeout.get();
        if (requestTimeout != null) {
            callRequestTimeout.set(requestTimeout);
        }
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    return call.call();
                } catch (ApiException e) {
                    Duration retryAfter = retryAfter(e.getResponseHeaders());
                    if (attempt >= maxAttempts || !retryable(e)) {
                        throw translate(operation, e, "");
                    }
                    Duration pause = retryAfter != null ? min(retryAfter, Duration.ofSeconds(30)) : backoff(attempt);
                    if (System.nanoTime() + pause.toNanos() >= ends) {
                        throw translate(
                                operation,
                                e,
                                " (gave up after " + attempt + " attempt" + (attempt > 1 ? "s" : "")
                                        + ": the next would start past the " + callTimeout + " deadline)");
                    }
                    sleep(pause);
                }
            }
        } finally {
            if (outer == null) {
                callDeadline.remove();
            }
            if (outerTimeout == null) {
                callRequestTimeout.remove();
            } else {
                callRequestTimeout.set(outerTimeout);
            }
        }
    }

    /** The answer with its status and headers, a 304 included (the generated API reports it as a failure). */
    <T> ExprunResponse<T> response(String operation, RequestOptions options, Call<ApiResponse<T>> call) {
        return call(operation, options, null, () -> {
            try {
                ApiResponse<T> r = call.call();
                return ExprunResponse.of(r.getStatusCode(), r.getData(), r.getHeaders());
            } catch (ApiException e) {
                if (e.getCode() == 304) {
                    return ExprunResponse.<T>of(
                            304, null, e.getResponseHeaders().map());
                }
                throw e;
            }
        });
    }

    /** No answer at all (connection failure, timeout), or an answer that says "not now". */
    private static boolean retryable(ApiException e) {
        int status = e.getCode();
        return status == 0 || status == 429 || status == 502 || status == 503 || status == 504;
    }

    /** Full jitter: a random pause between 0 and min(max, base × 2^(attempt-1)). */
    private Duration backoff(int attempt) {
        long cap = Math.min(maxDelay.toMillis(), baseDelay.toMillis() << Math.min(attempt - 1, 20));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap + 1));
    }

    ExprunException translate(String operation, ApiException e, String suffix) {
        int status = e.getCode();
        if (status == 0) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return new ExprunConnectionException(
                    operation + " failed: no answer from " + apiClient.getBaseUri() + " (" + cause + ")" + suffix,
                    cause);
        }
        JsonNode body = parse(e.getResponseBody());
        String requestId = e.getResponseHeaders() == null
                ? null
                : e.getResponseHeaders().firstValue("X-Request-Id").orElse(null);
        ExprunException probe = new ExprunException("", status, body, requestId, null);
        String message = operation + " failed: " + status
                + probe.code().map(c -> " " + c).orElse("")
                + probe.detailMessage().map(m -> ": " + m).orElse("") + fieldErrors(body) + suffix;
        return switch (status) {
            case 401 -> new ExprunUnauthorizedException(message, body, requestId);
            case 404 -> new ExprunNotFoundException(message, body, requestId);
            case 409 -> new ExprunConflictException(message, body, requestId);
            case 412 -> new ExprunPreconditionFailedException(message, body, requestId);
            case 422 -> new ExprunValidationException(message, body, requestId);
            case 429 -> new ExprunRateLimitedException(message, body, requestId, retryAfter(e.getResponseHeaders()));
            default ->
                status >= 500
                        ? new ExprunServerException(message, status, body, requestId)
                        : new ExprunException(message, status, body, requestId, null);
        };
    }

    /** A 422's field errors ({@code detail[].loc/msg}) as {@code ": query.limit: must be <= 100; …"}. */
    private static String fieldErrors(JsonNode body) {
        if (body == null
                || !body.path("detail").isArray()
                || body.path("detail").isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder(":");
        for (JsonNode error : body.path("detail")) {
            List<String> loc = new ArrayList<>();
            error.path("loc").forEach(l -> loc.add(l.asText()));
            out.append(out.length() > 1 ? ";" : "")
                    .append(' ')
                    .append(String.join(".", loc))
                    .append(": ")
                    .append(error.path("msg").asText("(no message)"));
        }
        return out.toString();
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return mapper.readTree(body);
        } catch (Exception notJson) {
            return null;
        }
    }

    /** {@code Retry-After} as seconds or as an HTTP date. */
    static Duration retryAfter(HttpHeaders headers) {
        if (headers == null) {
            return null;
        }
        String value = headers.firstValue("Retry-After").orElse(null);
        if (value == null) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(
                        ZonedDateTime.now(), ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException unparseable) {
                return null;
            }
        }
    }

    /** The first value of a header of a generated {@code ApiResponse} (its map's keys may come in any case). */
    static Optional<String> header(Map<String, List<String>> headers, String name) {
        if (headers == null) {
            return Optional.empty();
        }
        return headers.entrySet().stream()
                .filter(e -> e.getKey() != null
                        && e.getKey().equalsIgnoreCase(name)
                        && !e.getValue().isEmpty())
                .map(e -> e.getValue().get(0))
                .findFirst();
    }

    static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExprunConnectionException("interrupted while waiting to retry", e);
        }
    }
}
