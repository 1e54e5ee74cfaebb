package io.exprun.client;

import io.exprun.client.generated.model.LifecycleStatus;
import java.time.LocalDate;

/**
 * Filters of a run listing ({@code GET /v1/workflows/experiments/runs}); every field optional. Immutable:
 * {@code RunQuery.all().experimentId("exp_demo").status(LifecycleStatus.RUNNING)}.
 */
public record RunQuery(
        String workflowId,
        String experimentId,
        String blockId,
        LifecycleStatus status,
        LifecycleStatus excludeStatus,
        String triggerType,
        LocalDate fromDate,
        LocalDate toDate,
        Integer pageSize,
        String order) {

    public static RunQuery all() {
        return new RunQuery(null, null, null, null, null, null, null, null, null, null);
    }

    public RunQuery workflowId(String v) {
        return new RunQuery(
                v, experimentId, blockId, status, excludeStatus, triggerType, fromDate, toDate, pageSize, order);
    }

    public RunQuery experimentId(String v) {
        return new RunQuery(
                workflowId, v, blockId, status, excludeStatus, triggerType, fromDate, toDate, pageSize, order);
    }

    public RunQuery blockId(String v) {
        return new RunQuery(
                workflowId, experimentId, v, status, excludeStatus, triggerType, fromDate, toDate, pageSize, order);
    }

    public RunQuery status(LifecycleStatus v) {
        return new RunQuery(
                workflowId, experimentId, blockId, v, excludeStatus, triggerType, fromDate, toDate, pageSize, order);
    }

    public RunQuery excludeStatus(LifecycleStatus v) {
        return new RunQuery(
                workflowId, experimentId, blockId, status, v, triggerType, fromDate, toDate, pageSize, order);
    }

    public RunQuery triggerType(String v) {
        return new RunQuery(
                workflowId, experimentId, blockId, status, excludeStatus, v, fromDate, toDate, pageSize, order);
    }

    /** Runs created from this day (UTC) to {@code to}, both inclusive; either may be null. */
    public RunQuery createdBetween(LocalDate from, LocalDate to) {
        return new RunQuery(
                workflowId, experimentId, blockId, status, excludeStatus, triggerType, from, to, pageSize, order);
    }

    /** Page size, 1–100 (server default 20). */
    public RunQuery pageSize(int v) {
        return new RunQuery(
                workflowId, experimentId, blockId, status, excludeStatus, triggerType, fromDate, toDate, v, order);
    }

    /** Oldest first (the server's default is newest first). */
    public RunQuery ascending() {
        return new RunQuery(
                workflowId,
                experimentId,
                blockId,
                status,
                excludeStatus,
                triggerType,
                fromDate,
                toDate,
                pageSize,
                "asc");
    }
}
