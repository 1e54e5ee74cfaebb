package io.exprun.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.exprun.client.generated.ApiClient;
import io.exprun.client.generated.ApiException;
import io.exprun.client.generated.api.ExperimentResultsApi;
import io.exprun.client.generated.api.ExperimentRunsApi;
import io.exprun.client.generated.api.ExperimentsApi;
import io.exprun.client.generated.model.CancelWorkflowExperimentRunResponse;
import io.exprun.client.generated.model.CreateExperimentRequest;
import io.exprun.client.generated.model.CreateExperimentRunRequest;
import io.exprun.client.generated.model.ExperimentResult;
import io.exprun.client.generated.model.ExperimentResultList;
import io.exprun.client.generated.model.ExperimentRun;
import io.exprun.client.generated.model.ExperimentRunList;
import io.exprun.client.generated.model.UpdateExperimentRequest;
import io.exprun.client.generated.model.WorkflowExperiment;
import io.exprun.client.generated.model.WorkflowExperimentList;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * <em>Why one class of ~600 lines:</em> it is the client's whole public surface (every operation, its builder) plus
 * the one retry-and-deadline loop and error translation every operation shares; splitting the surface would give
 * users several types to learn for one API. The experiments operations (contract 0.2.0) stayed here for that reason:
 * they kept it under ~650 lines. Candidates to move out when it grows further: error translation, paging, or the
 * experiments surface into a small {@code ExperimentsClient} behind {@code client.experiments()}.
 * <p>
 * The exprun Java client: a thin layer over the client generated from openapi/experiment-runs.yaml (still reachable
 * through {@link #runsApi()}, {@link #resultsApi()} and {@link #experimentsApi()}), adding configuration, typed
 * errors, retries, lazy pagination and a few conveniences.
 *
 * <h2>Retries</h2>
 * Reads are retried with exponential backoff and full jitter on connection failures and timeouts, 429, 502, 503 and
 * 504, honouring {@code Retry-After}. {@link #cancel} is retried the same way, because cancelling is idempotent in
 * effect: if a retried cancel meets {@code 404 run_not_cancellable} with status {@code cancelled}, an earlier attempt
 * went through, and cancel returns that cancelled run instead of failing. (A cancel that answers 404 on its
 * <em>first</em> attempt is always reported: the run was already terminal, or missing.) {@link #createRun} is retried
 * the same way too, timeouts included: every create carries an {@code Idempotency-Key} (a fresh UUID unless the
 * caller gives one), so a retry returns the run the first attempt created instead of creating another;
 * {@link #createExperiment} likewise. {@link #updateExperiment} is retried too (it sets the fields it names: the same
 * request twice leaves the same experiment), and so is {@link #deleteExperiment}, which, like cancel, treats
 * {@code 404 experiment_not_found} on a <em>retry</em> as the earlier attempt having deleted it. A call with its
 * retries never takes longer than the {@linkplain Builder#deadline deadline} (default 2 minutes): no retry starts, and
 * no request waits, past it.
 *
 * <p>One {@link HttpClient} (one connection pool) per ExprunClient, shared by both generated APIs.
 *
 * <p>Thread-safe; create one per base URL and share it.
 */
public final class ExprunClient {

    private static final Duration FIRST_POLL = Duration.ofMillis(100);
    private static final Duration MAX_POLL = Duration.ofSeconds(2);

    private final ApiClient apiClient;
    private final ExperimentRunsApi runsApi;
    private final ExperimentResultsApi resultsApi;
    private final ExperimentsApi experimentsApi;
    private final ObjectMapper mapper;
    private final int maxAttempts;
    private final Duration baseDelay;
    private final Duration maxDelay;
    private final Duration deadline;
    private final Duration requestTimeout;
    private final HttpClient httpClient;
    /** The deadline (System.nanoTime) of the call running on this thread, read by the request interceptor. */
    private final ThreadLocal<Long> callDeadline = new ThreadLocal<>();

    private ExprunClient(Builder b) {
        this.mapper = ForwardCompatibility.install(ApiClient.createDefaultObjectMapper());
        HttpClient.Builder http = b.httpClientBuilder != null ? b.httpClientBuilder : HttpClient.newBuilder();
        // Grizzly answered h2c upgrades without Content-Type in an earlier probe: speak HTTP/1.1
        http.version(HttpClient.Version.HTTP_1_1).connectTimeout(b.connectTimeout);
        if (b.executor != null) {
            http.executor(b.executor);
        }
        this.httpClient = http.build();
        // the generated ApiClient builds a new HttpClient on every getHttpClient() (each API asks once): hand it ours
        this.apiClient = new ApiClient(http, mapper, b.baseUrl.replaceAll("/+$", "")) {
            @Override
            public HttpClient getHttpClient() {
                return httpClient;
            }
        };
        apiClient.setReadTimeout(b.requestTimeout);
        this.requestTimeout = b.requestTimeout;
        String authorization = b.apiKey == null ? null : "Bearer " + b.apiKey;
        String userAgent = b.userAgent;
        apiClient.setRequestInterceptor(request -> {
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            request.header("User-Agent", userAgent);
            Long callEnds = callDeadline.get();
            if (callEnds != null) { // no request waits past the call's deadline
                long left = Math.max(1, callEnds - System.nanoTime());
                request.timeout(min(requestTimeout, Duration.ofNanos(left)));
            }
        });
        this.runsApi = new ExperimentRunsApi(apiClient);
        this.resultsApi = new ExperimentResultsApi(apiClient);
        this.experimentsApi = new ExperimentsApi(apiClient);
        this.maxAttempts = b.maxAttempts;
        this.baseDelay = b.baseDelay;
        this.maxDelay = b.maxDelay;
        this.deadline = b.deadline;
    }

    /** A builder reading EXPRUN_BASE_URL and EXPRUN_API_KEY from the environment as defaults. */
    public static Builder builder() {
        return new Builder();
    }

    // ---- runs -----------------------------------------------------------------------------------

    public ExperimentRun createRun(String experimentId) {
        return createRun(new CreateExperimentRunRequest().experimentId(experimentId));
    }

    public ExperimentRun createRun(CreateExperimentRunRequest request) {
        return createRun(request, UUID.randomUUID().toString());
    }

    /**
     * Creates a run under an {@code Idempotency-Key} of the caller's choosing: the same key with the same request
     * returns the same run for 24 hours, so a caller that lost the answer (a crash, a timeout) can send it again.
     */
    public ExperimentRun createRun(CreateExperimentRunRequest request, String idempotencyKey) {
        return call("create run", () -> runsApi.createExperimentRun(request, idempotencyKey));
    }

    public ExperimentRun getRun(String runId) {
        return call("get run", () -> runsApi.getExperimentRun(runId));
    }

    /** One page; {@code after} is the cursor from the previous page's {@code list_metadata.after} (null: first page). */
    public ExperimentRunList listRuns(RunQuery q, String after) {
        return call(
                "list runs",
                () -> runsApi.listExperimentRuns(
                        q.workflowId(),
                        q.experimentId(),
                        q.blockId(),
                        q.status(),
                        q.excludeStatus(),
                        q.triggerType(),
                        q.fromDate(),
                        q.toDate(),
                        null,
                        null,
                        after,
                        q.pageSize(),
                        q.order()));
    }

    /** Every run matching the query, fetched page by page as the stream is consumed. */
    public Stream<ExperimentRun> runs(RunQuery query) {
        return paged(after -> {
            ExperimentRunList page = listRuns(query, after);
            return new Page<>(page.getData(), page.getListMetadata().getAfter());
        });
    }

    /**
     * Cancels the run and its unfinished results.
     *
     * @throws ExprunNotFoundException the run does not exist, or is no longer cancellable
     *                                 ({@link ExprunNotFoundException#isNotCancellable()})
     */
    public CancelledRun cancel(String runId) {
        int[] attempts = {0};
        try {
            CancelWorkflowExperimentRunResponse r = call("cancel run", () -> {
                attempts[0]++;
                return runsApi.cancelExperimentRun(runId);
            });
            return new CancelledRun(
                    r.getId(), (RunLifecycle.Cancelled) RunLifecycle.of(r.getLifecycle()), r.getTiming());
        } catch (ExprunNotFoundException e) {
            boolean earlierAttemptWon = attempts[0] > 1
                    && e.isNotCancellable()
                    && e.currentStatus().filter("cancelled"::equals).isPresent();
            if (!earlierAttemptWon) {
                throw e;
            }
            ExperimentRun run = getRun(runId);
            return new CancelledRun(
                    run.getId(), (RunLifecycle.Cancelled) RunLifecycle.of(run.getLifecycle()), run.getTiming());
        }
    }

    /**
     * Polls the run (backing off from 100 ms to 2 s between polls) until it is completed, error or cancelled.
     *
     * @throws ExprunWaitTimeoutException when it is still not terminal after {@code timeout}
     */
    public ExperimentRun waitForTerminal(String runId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Duration pause = FIRST_POLL;
        while (true) {
            ExperimentRun run = getRun(runId);
            if (RunLifecycle.of(run.getLifecycle()).isTerminal()) {
                return run;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new ExprunWaitTimeoutException(
                        "run " + runId + " is still "
                                + RunLifecycle.of(run.getLifecycle()).status() + " after " + timeout,
                        run);
            }
            sleep(Duration.ofNanos(Math.min(left, pause.toNanos())));
            pause = min(pause.multipliedBy(2), MAX_POLL);
        }
    }

    // ---- results --------------------------------------------------------------------------------

    public ExperimentResult getResult(String resultId) {
        return call("get result", () -> resultsApi.getExperimentResult(resultId));
    }

    /** One page of a run's results, in document order. */
    public ExperimentResultList listResults(String runId, String after, Integer pageSize) {
        return call("list results", () -> resultsApi.listExperimentResults(runId, null, after, pageSize, "asc"));
    }

    /** Every result of a run, in document order, fetched page by page as the stream is consumed. */
    public Stream<ExperimentResult> results(String runId) {
        return paged(after -> {
            ExperimentResultList page = listResults(runId, after, 100);
            return new Page<>(page.getData(), page.getListMetadata().getAfter());
        });
    }

    // ---- experiments (contract 0.2.0) ------------------------------------------------------------

    public WorkflowExperiment createExperiment(CreateExperimentRequest request) {
        return createExperiment(request, UUID.randomUUID().toString());
    }

    /**
     * Creates an experiment under an {@code Idempotency-Key} of the caller's choosing: the same key with the same
     * request returns the same experiment (as it now is) for 24 hours, as for {@link #createRun}.
     */
    public WorkflowExperiment createExperiment(CreateExperimentRequest request, String idempotencyKey) {
        return call("create experiment", () -> experimentsApi.createExperiment(request, idempotencyKey));
    }

    /** @throws ExprunNotFoundException {@code experiment_not_found} (also for another tenant's experiment) */
    public WorkflowExperiment getExperiment(String experimentId) {
        return call("get experiment", () -> experimentsApi.getExperiment(experimentId));
    }

    /** One page; {@code after} is the cursor from the previous page's {@code list_metadata.after} (null: first page). */
    public WorkflowExperimentList listExperiments(ExperimentQuery q, String after) {
        return call(
                "list experiments",
                () -> experimentsApi.listExperiments(
                        q.workflowId(), q.blockId(), null, after, q.pageSize(), q.order()));
    }

    /** Every experiment matching the query, fetched page by page as the stream is consumed. */
    public Stream<WorkflowExperiment> experiments(ExperimentQuery query) {
        return paged(after -> {
            WorkflowExperimentList page = listExperiments(query, after);
            return new Page<>(page.getData(), page.getListMetadata().getAfter());
        });
    }

    /** Changes the fields the request names (documents given replace the experiment's); runs already made keep theirs. */
    public WorkflowExperiment updateExperiment(String experimentId, UpdateExperimentRequest changes) {
        return call("update experiment", () -> experimentsApi.updateExperiment(experimentId, changes));
    }

    /**
     * Deletes the experiment; its finished runs and their results stay.
     *
     * @throws ExprunConflictException while one of its runs is active ({@link ExprunConflictException#runId()}:
     *                                 cancel it, then delete again)
     * @throws ExprunNotFoundException {@code experiment_not_found}, answered to the first attempt
     */
    public void deleteExperiment(String experimentId) {
        int[] attempts = {0};
        try {
            call("delete experiment", () -> {
                attempts[0]++;
                experimentsApi.deleteExperiment(experimentId);
                return null;
            });
        } catch (ExprunNotFoundException e) {
            // an earlier attempt that got no answer (or a 5xx/429) may have deleted it: gone is what was asked for
            if (attempts[0] == 1
                    || !e.code().filter("experiment_not_found"::equals).isPresent()) {
                throw e;
            }
        }
    }

    // ---- the generated API, for anything this layer does not cover ------------------------------

    public ExperimentRunsApi runsApi() {
        return runsApi;
    }

    public ExperimentResultsApi resultsApi() {
        return resultsApi;
    }

    public ExperimentsApi experimentsApi() {
        return experimentsApi;
    }

    public ApiClient apiClient() {
        return apiClient;
    }

    /** The longest one call may take, retries included. */
    public Duration deadline() {
        return deadline;
    }

    // ---- plumbing -------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Call<T> {
        T call() throws ApiException;
    }

    private <T> T call(String operation, Call<T> call) {
        Long outer = callDeadline.get();
        long ends = outer != null ? outer : System.nanoTime() + deadline.toNanos();
        callDeadline.set(ends);
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
                                        + ": the next would start past the " + deadline + " deadline)");
                    }
                    sleep(pause);
                }
            }
        } finally {
            if (outer == null) {
                callDeadline.remove();
            }
        }
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

    private ExprunException translate(String operation, ApiException e, String suffix) {
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
            List<String> loc = new java.util.ArrayList<>();
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

    private record Page<T>(List<T> items, String after) {}

    private static <T> Stream<T> paged(Function<String, Page<T>> fetch) {
        Iterator<T> iterator = new Iterator<>() {
            private Page<T> page = fetch.apply(null);
            private int next;

            @Override
            public boolean hasNext() {
                while (next >= page.items().size()) {
                    if (page.after() == null) {
                        return false;
                    }
                    page = fetch.apply(page.after());
                    next = 0;
                }
                return true;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.items().get(next++);
            }
        };
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExprunConnectionException("interrupted while waiting to retry", e);
        }
    }

    /** Configuration of an {@link ExprunClient}. */
    public static final class Builder {
        private String baseUrl = envOr("EXPRUN_BASE_URL", "http://127.0.0.1:8080");
        private String apiKey = envOr("EXPRUN_API_KEY", null);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private HttpClient.Builder httpClientBuilder;
        private Executor executor;
        private String userAgent = "exprun-java-client/" + version();
        private int maxAttempts = 4;
        private Duration baseDelay = Duration.ofMillis(200);
        private Duration maxDelay = Duration.ofSeconds(5);
        private Duration deadline = Duration.ofMinutes(2);

        private Builder() {}

        public Builder baseUrl(String v) {
            this.baseUrl = Objects.requireNonNull(v, "baseUrl");
            return this;
        }

        public Builder apiKey(String v) {
            this.apiKey = v;
            return this;
        }

        public Builder connectTimeout(Duration v) {
            this.connectTimeout = Objects.requireNonNull(v);
            return this;
        }

        /** Time allowed for one request's answer (each retry gets its own). */
        public Builder requestTimeout(Duration v) {
            this.requestTimeout = Objects.requireNonNull(v);
            return this;
        }

        /** Your own HttpClient settings (proxy, SSL context, …); the version is set to HTTP/1.1. */
        public Builder httpClient(HttpClient.Builder v) {
            this.httpClientBuilder = v;
            return this;
        }

        public Builder executor(Executor v) {
            this.executor = v;
            return this;
        }

        public Builder userAgent(String v) {
            this.userAgent = Objects.requireNonNull(v);
            return this;
        }

        /** Attempts per call including the first (1 disables retries); backoff starts at {@code base}, capped at {@code max}. */
        public Builder retries(int attempts, Duration base, Duration max) {
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be >= 1");
            }
            this.maxAttempts = attempts;
            this.baseDelay = Objects.requireNonNull(base);
            this.maxDelay = Objects.requireNonNull(max);
            return this;
        }

        /**
         * The longest one call may take, its retries and their pauses included (default 2 minutes): no retry starts,
         * and no request waits, past it; the call then fails with the last attempt's error.
         */
        public Builder deadline(Duration v) {
            if (v.isNegative() || v.isZero()) {
                throw new IllegalArgumentException("deadline must be positive");
            }
            this.deadline = v;
            return this;
        }

        public ExprunClient build() {
            return new ExprunClient(this);
        }

        private static String envOr(String name, String fallback) {
            String v = System.getenv(name);
            return v == null || v.isBlank() ? fallback : v;
        }

        private static String version() {
            String v = ExprunClient.class.getPackage().getImplementationVersion();
            return v == null ? "dev" : v;
        }
    }
}
