package io.exprun.server.domain;

import java.time.LocalDate;

/** Filters and cursor of a run listing; null means "no filter". Cursors are run ids; at most one of before/after. */
public record RunQuery(
        String workflowId,
        String experimentId,
        String blockId,
        LifecycleStatus status,
        LifecycleStatus excludeStatus,
        String triggerType,
        LocalDate fromDate,
        LocalDate toDate,
        PageRequest page) {

    public static RunQuery all(PageRequest page) {
        return new RunQuery(null, null, null, null, null, null, null, null, page);
    }
}
