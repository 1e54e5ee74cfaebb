package io.exprun.client;

import io.exprun.client.generated.ApiClient;
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
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.stream.Stream;

/**
 * <em>Why over 250 lines:</em> besides the entry point, it keeps the flat methods of contract 0.2.x as deprecated
 * delegates for one minor version, and its {@link Builder}; the operations themselves live in one class per resource.
 * <p>
 * The exprun Java client, shaped like Retab's SDK: {@code client.workflows().experiments().runs().cancel(id)},
 * {@code .create(…)}, {@code .get(id)}, {@code .list(…)} (auto-paging), {@code .waitFor(id, timeout)};
 * {@code client.workflows().experiments()} for experiments and {@code .results()} for results; per-call options
 * (idempotency key, timeout, {@code If-Match}, {@code If-None-Match}) in one {@link RequestOptions}. A thin layer over
 * the client generated from openapi/experiment-runs.yaml (still reachable through {@link #runsApi()},
 * {@link #resultsApi()} and {@link #experimentsApi()}), adding configuration, typed errors, retries within a
 * deadline, lazy paging and waits.
 *
 * <p>One {@link HttpClient} (one connection pool) per ExprunClient. Thread-safe; create one per base URL and share it.
 */
public final class ExprunClient {

    private final Transport transport;
    private final Workflows workflows;

    /** The client of the service at EXPRUN_BASE_URL (default {@code http://127.0.0.1:8080}) with this API key. */
    public ExprunClient(String apiKey) {
        this(builder().apiKey(apiKey));
    }

    /** The client of the service at {@code baseUrl} with this API key. */
    public ExprunClient(String apiKey, String baseUrl) {
        this(builder().apiKey(apiKey).baseUrl(baseUrl));
    }

    private ExprunClient(Builder b) {
        HttpClient.Builder http = b.httpClientBuilder != null ? b.httpClientBuilder : HttpClient.newBuilder();
        // Grizzly answered h2c upgrades without Content-Type in an earlier probe: speak HTTP/1.1
        http.version(HttpClient.Version.HTTP_1_1).connectTimeout(b.connectTimeout);
        if (b.executor != null) {
            http.executor(b.executor);
        }
        this.transport = new Transport(new Transport.Settings(
                b.baseUrl,
                b.apiKey,
                b.userAgent,
                http.build(),
                http,
                b.requestTimeout,
                b.deadline,
                b.maxAttempts,
                b.baseDelay,
                b.maxDelay));
        this.workflows = new Workflows(transport);
    }

    /** A builder reading EXPRUN_BASE_URL and EXPRUN_API_KEY from the environment as defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The workflows' experiments, their runs and results: {@code workflows().experiments().runs()}. */
    public Workflows workflows() {
        return workflows;
    }

    // ---- the generated API, for anything this layer does not cover ------------------------------

    public ExperimentRunsApi runsApi() {
        return transport.runsApi;
    }

    public ExperimentResultsApi resultsApi() {
        return transport.resultsApi;
    }

    public ExperimentsApi experimentsApi() {
        return transport.experimentsApi;
    }

    public ApiClient apiClient() {
        return transport.apiClient;
    }

    /** The longest one call may take, retries included. */
    public Duration deadline() {
        return transport.deadline;
    }

    // ---- contract 0.2.x: the flat methods, kept as delegates until 0.4 ----------------------------

    private ExperimentRuns runs() {
        return workflows.experiments().runs();
    }

    /** @deprecated use {@code workflows().experiments().runs().create(experimentId)} */
    @Deprecated(since = "0.3.0", forRemoval = true)
    public ExperimentRun createRun(String experimentId) {
        return runs().create(experimentId);
    }

    /** @deprecated use {@code workflows().experiments().runs().create(request)} */
    @Deprecated(since = "0.3.0", forRemoval = true)
    public ExperimentRun createRun(CreateExperimentRunRequest request) {
        return runs().create(request);
    }

    /** @deprecated use {@code runs().create(request, RequestOptions.none().idempotencyKey(key))} */
    @Deprecated(since = "0.3.0", forRemoval = true)
    public ExperimentRun createRun(CreateExperimentRunRequest request, String idempotencyKey) {
        return runs().create(request, RequestOptions.none().idempotencyKey(idempotencyKey));
    }

    /** @deprecated use {@code workflows().experiments().runs().get(runId)} */
    @Deprecated(since = "0.3.0", forRemoval = true)
    public ExperimentRun getRun(String runId) {
        return runs().get(runId);
    }

    /** @deprecated use {@code workflows().experiments().runs().page(query, after)} */
    @Deprecated(since = "0.3.0", forRemoval = true)
    public ExperimentRunList listRuns(RunQuery q, String after) {
        return runs().page(q, after);
    }

    /** @deprecated use {@code workflows().experiments().runs().list(query).stream()} */
    @Deprecated(since = "0.3.0", forRemoval = true)
    public Stream<ExperimentRun> runs(RunQuery query) {
        return runs().list(query).stream();
    }

    /** @deprecated use {@code workflows().experiments().runs().cancel(runId)} (the wire answer, as Retab's) */
    @Deprecated(since = "0.3.0", forRemoval = true)
    public CancelledRun cancel(String runId) {
        CancelWorkflowExperimentRunResponse r = runs().cancel(runId);
        return new CancelledRun(r.getId(), (RunLifecycle.Cancelled) RunLifecycle.of(r.getLifecycle()), r.getTiming());
    }

    /** @deprecated use {@code workflows().experiments().runs().waitFor(runId, timeout)}, which waits without polling */
    @Deprecated(since = "0.3.0", forRemoval = true)
    public ExperimentRun waitForTerminal(String runId, Duration timeout) {
        return runs().waitFor(runId, timeout);
    }

    /** @deprecated use {@code workflows().experiments().results().get(resultId)} */
    @Deprecated(since = "0.3.0", forRemoval = true)
    public ExperimentResult getResult(String resultId) {
        return workflows.experiments().results().get(resultId);
    }

    /** @deprecated use {@code workflows().experiments().results().page(runId, after, pageSize)} */
    @Deprecated(since = "0.3.0", forRemoval = true)
    public ExperimentResultList listResults(String runId, String after, Integer pageSize) {
        return workflows.experiments().results().page(runId, after, pageSize);
    }

    /** @deprecated use {@code workflows().experiments().results().list(runId).stream()} */
    @Deprecated(since = "0.3.0", forRemoval = true)
    public Stream<ExperimentResult> results(String runId) {
        return workflows.experiments().results().list(runId).stream();
    }

    /** @deprecated use {@code workflows().experiments().create(request)} */
    @Deprecated(since = "0.3.0", forRemoval = true)
    public WorkflowExperiment createExperiment(CreateExperimentRequest request) {
        return workflows.experiments().create(request);
    }

    /** @deprecated use {@code workflows().experiments().create(request, RequestOptions.none().idempotencyKey(key))} */
    @Deprecated(since = "0.3.0", forRemoval = true)
    public WorkflowExperiment createExperiment(CreateExperimentRequest request, String idempotencyKey) {
        return workflows.experiments().create(request, RequestOptions.none().idempotencyKey(idempotencyKey));
    }

    /** @deprecated use {@code workflows().experiments().get(experimentId)} */
    @Deprecated(since = "0.3.0", forRemoval = true)
    public WorkflowExperiment getExperiment(String experimentId) {
        return workflows.experiments().get(experimentId);
    }

    /** @deprecated use {@code workflows().experiments().page(query, after)} */
    @Deprecated(since = "0.3.0", forRemoval = true)
    public WorkflowExperimentList listExperiments(ExperimentQuery q, String after) {
        return workflows.experiments().page(q, after);
    }

    /** @deprecated use {@code workflows().experiments().list(query).stream()} */
    @Deprecated(since = "0.3.0", forRemoval = true)
    public Stream<WorkflowExperiment> experiments(ExperimentQuery query) {
        return workflows.experiments().list(query).stream();
    }

    /** @deprecated use {@code workflows().experiments().update(experimentId, changes)} */
    @Deprecated(since = "0.3.0", forRemoval = true)
    public WorkflowExperiment updateExperiment(String experimentId, UpdateExperimentRequest changes) {
        return workflows.experiments().update(experimentId, changes);
    }

    /** @deprecated use {@code workflows().experiments().delete(experimentId)} */
    @Deprecated(since = "0.3.0", forRemoval = true)
    public void deleteExperiment(String experimentId) {
        workflows.experiments().delete(experimentId);
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
