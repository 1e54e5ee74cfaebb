package io.exprun.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.exprun.client.generated.model.CancelledWorkflowExperimentResult;
import io.exprun.client.generated.model.CancelledWorkflowExperimentRun;
import io.exprun.client.generated.model.CompletedWorkflowExperimentResult;
import io.exprun.client.generated.model.CompletedWorkflowExperimentRun;
import io.exprun.client.generated.model.ErrorDetails;
import io.exprun.client.generated.model.ErrorWorkflowExperimentResult;
import io.exprun.client.generated.model.ErrorWorkflowExperimentRun;
import io.exprun.client.generated.model.PendingWorkflowExperimentResult;
import io.exprun.client.generated.model.PendingWorkflowExperimentRun;
import io.exprun.client.generated.model.QueuedWorkflowExperimentResult;
import io.exprun.client.generated.model.QueuedWorkflowExperimentRun;
import io.exprun.client.generated.model.RunningWorkflowExperimentResult;
import io.exprun.client.generated.model.RunningWorkflowExperimentRun;
import io.exprun.client.generated.model.WorkflowExperimentResultLifecycle;
import io.exprun.client.generated.model.WorkflowExperimentRunLifecycle;
import io.exprun.client.generated.rules.LifecycleStatus;

/**
 * A typed view of a run's (or result's) lifecycle union, including an explicit {@link Unknown} for a status this
 * client version does not know. Branch with {@code switch (lifecycle.kind())} or {@code instanceof} patterns:
 *
 * <pre>{@code
 * RunLifecycle l = RunLifecycle.of(run.getLifecycle());
 * switch (l.kind()) {
 *     case ERROR -> System.out.println("failed: " + ((RunLifecycle.Failed) l).message());
 *     case CANCELLED -> System.out.println("cancelled: " + ((RunLifecycle.Cancelled) l).reason());
 *     case UNKNOWN -> System.out.println("newer server says: " + ((RunLifecycle.Unknown) l).raw());
 *     default -> System.out.println(l.status());
 * }
 * }</pre>
 */
public sealed interface RunLifecycle {

    /** The wire {@code status}. */
    String status();

    Kind kind();

    /**
     * Whether the run (or result) has reached a state it never leaves (the spec's {@code x-terminal}). Unknown states
     * count as not terminal.
     */
    default boolean isTerminal() {
        return LifecycleStatus.fromWire(status())
                .map(LifecycleStatus::isTerminal)
                .orElse(false);
    }

    enum Kind {
        PENDING,
        QUEUED,
        RUNNING,
        COMPLETED,
        ERROR,
        CANCELLED,
        UNKNOWN
    }

    record Pending() implements RunLifecycle {
        public String status() {
            return LifecycleStatus.PENDING.wire();
        }

        public Kind kind() {
            return Kind.PENDING;
        }
    }

    record Queued() implements RunLifecycle {
        public String status() {
            return LifecycleStatus.QUEUED.wire();
        }

        public Kind kind() {
            return Kind.QUEUED;
        }
    }

    record Running() implements RunLifecycle {
        public String status() {
            return LifecycleStatus.RUNNING.wire();
        }

        public Kind kind() {
            return Kind.RUNNING;
        }
    }

    record Completed() implements RunLifecycle {
        public String status() {
            return LifecycleStatus.COMPLETED.wire();
        }

        public Kind kind() {
            return Kind.COMPLETED;
        }
    }

    /** The {@code error} variant: a message, and structured details (may be null). */
    record Failed(String message, ErrorDetails details) implements RunLifecycle {
        public String status() {
            return LifecycleStatus.ERROR.wire();
        }

        public Kind kind() {
            return Kind.ERROR;
        }
    }

    /** The {@code cancelled} variant; {@code reason} may be null. */
    record Cancelled(String reason) implements RunLifecycle {
        public String status() {
            return LifecycleStatus.CANCELLED.wire();
        }

        public Kind kind() {
            return Kind.CANCELLED;
        }
    }

    /** A status a newer server sent that this client does not know, with the lifecycle object as received. */
    record Unknown(String status, JsonNode raw) implements RunLifecycle {
        public Kind kind() {
            return Kind.UNKNOWN;
        }
    }

    static RunLifecycle of(WorkflowExperimentRunLifecycle lifecycle) {
        Object v = lifecycle.getActualInstance();
        if (v instanceof PendingWorkflowExperimentRun) {
            return new Pending();
        } else if (v instanceof QueuedWorkflowExperimentRun) {
            return new Queued();
        } else if (v instanceof RunningWorkflowExperimentRun) {
            return new Running();
        } else if (v instanceof CompletedWorkflowExperimentRun) {
            return new Completed();
        } else if (v instanceof ErrorWorkflowExperimentRun e) {
            return new Failed(e.getMessage(), e.getDetails());
        } else if (v instanceof CancelledWorkflowExperimentRun c) {
            return new Cancelled(c.getReason());
        } else if (v instanceof Unknown u) {
            return u;
        }
        throw new IllegalStateException("unexpected lifecycle variant " + v);
    }

    static RunLifecycle of(WorkflowExperimentResultLifecycle lifecycle) {
        Object v = lifecycle.getActualInstance();
        if (v instanceof PendingWorkflowExperimentResult) {
            return new Pending();
        } else if (v instanceof QueuedWorkflowExperimentResult) {
            return new Queued();
        } else if (v instanceof RunningWorkflowExperimentResult) {
            return new Running();
        } else if (v instanceof CompletedWorkflowExperimentResult) {
            return new Completed();
        } else if (v instanceof ErrorWorkflowExperimentResult e) {
            return new Failed(e.getMessage(), e.getDetails());
        } else if (v instanceof CancelledWorkflowExperimentResult c) {
            return new Cancelled(c.getReason());
        } else if (v instanceof Unknown u) {
            return u;
        }
        throw new IllegalStateException("unexpected lifecycle variant " + v);
    }
}
