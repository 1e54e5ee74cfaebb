package io.exprun.client;

import io.exprun.client.generated.model.CancelWorkflowExperimentRunResponse;
import io.exprun.client.generated.model.CreateExperimentRunRequest;
import io.exprun.client.generated.model.ExperimentRun;
import io.exprun.client.generated.model.ExperimentRunList;
import io.exprun.client.generated.rules.LifecycleStatus;
import java.time.Duration;
import java.util.UUID;

/**
 * Experiment runs, {@code client.workflows().experiments().runs()}: create, get, list, cancel, and wait for one to end
 * (Retab's SDK shape: {@code runs().cancel("run_abc123")}).
 */
public final class ExperimentRuns {

    /** The longest one wait may ask the server to hold its answer (the contract's bound). */
    static final Duration LONGEST_WAIT = Duration.ofSeconds(60);

    private static final Duration FIRST_POLL = Duration.ofMillis(100);
    private static final Duration MAX_POLL = Duration.ofSeconds(2);

    private final Transport transport;

    ExperimentRuns(Transport transport) {
        this.transport = transport;
    }

    /** Creates a run of the experiment (under a fresh {@code Idempotency-Key}, so that its retries create one run). */
    public ExperimentRun create(String experimentId) {
        return create(new CreateExperimentRunRequest().experimentId(experimentId));
    }

    public ExperimentRun create(CreateExperimentRunRequest request) {
        return create(request, RequestOptions.none());
    }

    /**
     * With {@code options.idempotencyKey()}, the same key and request return the same run for 24 hours, so a caller
     * that lost the answer (a crash, a timeout) can send it again; without, a fresh key guards this call's retries.
     */
    public ExperimentRun create(CreateExperimentRunRequest request, RequestOptions options) {
        String key = options.idempotencyKey() != null
                ? options.idempotencyKey()
                : UUID.randomUUID().toString();
        return transport.call("create run", options, null, () -> transport.runsApi.createExperimentRun(request, key));
    }

    /** @throws ExprunNotFoundException {@code run_not_found} (also for another tenant's run) */
    public ExperimentRun get(String runId) {
        return transport.call("get run", () -> transport.runsApi.getExperimentRun(runId));
    }

    /** The run with its ETag; with {@code options.ifNoneMatch()}, a 304 without a body while it still matches. */
    public ExprunResponse<ExperimentRun> getWithResponse(String runId, RequestOptions options) {
        return transport.response(
                "get run",
                options,
                () -> transport.runsApi.getExperimentRunWithHttpInfo(runId, null, null, options.ifNoneMatch()));
    }

    /** Every run matching the query, fetched page by page as it is iterated. */
    public AutoPagingIterable<ExperimentRun> list(RunQuery q) {
        return new AutoPagingIterable<>(after -> {
            ExperimentRunList page = page(q, after);
            return new AutoPagingIterable.Page<>(
                    page.getData(), page.getListMetadata().getAfter());
        });
    }

    /** Every run of the caller's, newest first. */
    public AutoPagingIterable<ExperimentRun> list() {
        return list(RunQuery.all());
    }

    /** One page; {@code after} is the previous page's {@code list_metadata.after} (null: the first page). */
    public ExperimentRunList page(RunQuery q, String after) {
        return transport.call(
                "list runs",
                () -> transport.runsApi.listExperimentRuns(
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

    /**
     * Cancels the run and its unfinished results. Retried like a read, because cancelling is idempotent in effect: a
     * retry that meets {@code 404 run_not_cancellable} with status {@code cancelled} means an earlier attempt went
     * through, and the run as it now is, cancelled, is returned.
     *
     * @throws ExprunNotFoundException the run does not exist, or is no longer cancellable
     *                                 ({@link ExprunNotFoundException#isNotCancellable()})
     */
    public CancelWorkflowExperimentRunResponse cancel(String runId) {
        return cancel(runId, RequestOptions.none());
    }

    public CancelWorkflowExperimentRunResponse cancel(String runId, RequestOptions options) {
        int[] attempts = {0};
        try {
            return transport.call("cancel run", options, null, () -> {
                attempts[0]++;
                return transport.runsApi.cancelExperimentRun(runId);
            });
        } catch (ExprunNotFoundException e) {
            boolean earlierAttemptWon = attempts[0] > 1
                    && e.isNotCancellable()
                    && e.currentStatus()
                            .filter(LifecycleStatus.CANCELLED.wire()::equals)
                            .isPresent();
            if (!earlierAttemptWon) {
                throw e;
            }
            ExperimentRun run = get(runId);
            return new CancelWorkflowExperimentRunResponse()
                    .id(run.getId())
                    .lifecycle(run.getLifecycle())
                    .timing(run.getTiming());
        }
    }

    /**
     * Waits until the run is completed, error or cancelled, and returns it: with the contract's wait ({@code
     * wait_for=terminal}), the server answers as soon as it ends, so a run that ends within a minute costs one request.
     * Against a server older than contract 0.3.0, which answers at once, it polls instead (100 ms doubling to 2 s).
     *
     * @throws ExprunWaitTimeoutException when it is still not terminal after {@code timeout}
     */
    public ExperimentRun waitFor(String runId, Duration timeout) {
        long ends = System.nanoTime() + timeout.toNanos();
        Duration pause = FIRST_POLL;
        while (true) {
            Duration wait = Transport.min(LONGEST_WAIT, Duration.ofNanos(Math.max(0, ends - System.nanoTime())));
            long sent = System.nanoTime();
            ExperimentRun run = transport.call(
                    "wait for run",
                    RequestOptions.none(),
                    wait.plus(transport.requestTimeout),
                    () -> transport.runsApi.getExperimentRun(runId, "terminal", wait.toMillis() + "ms", null));
            RunLifecycle lifecycle = RunLifecycle.of(run.getLifecycle());
            if (lifecycle.isTerminal()) {
                return run;
            }
            long left = ends - System.nanoTime();
            if (left <= 0) {
                throw new ExprunWaitTimeoutException(
                        "run " + runId + " is still " + lifecycle.status() + " after " + timeout, run);
            }
            boolean heldByTheServer = System.nanoTime() - sent >= wait.toNanos() - FIRST_POLL.toNanos();
            if (!heldByTheServer) { // a server that does not wait: poll it gently
                Transport.sleep(Duration.ofNanos(Math.min(left, pause.toNanos())));
                pause = Transport.min(pause.multipliedBy(2), MAX_POLL);
            }
        }
    }
}
