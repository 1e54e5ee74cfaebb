package io.exprun.cli;

import io.exprun.client.RunLifecycle;
import io.exprun.client.generated.model.ExperimentRun;
import io.exprun.client.generated.model.ExplicitExperimentDocument;
import io.exprun.client.generated.model.HandlePayload;
import io.exprun.client.generated.model.Timing;
import io.exprun.client.generated.model.WorkflowExperiment;
import java.io.PrintWriter;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** How things look on the terminal: raw JSON for scripts, aligned tables for people. */
final class Output {

    private Output() {}

    /** The text exactly as given, ended by one newline so shells and {@code jq} see a complete line. */
    static void raw(PrintWriter out, String text) {
        out.print(text);
        if (!text.endsWith("\n")) {
            out.print('\n');
        }
        out.flush();
    }

    static void run(PrintWriter out, ExperimentRun r) {
        RunLifecycle l = RunLifecycle.of(r.getLifecycle());
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"id", r.getId()});
        rows.add(new String[] {"status", l.status()});
        if (l instanceof RunLifecycle.Failed f) {
            rows.add(new String[] {"error", f.message()});
        }
        if (l instanceof RunLifecycle.Cancelled c) {
            rows.add(new String[] {"reason", String.valueOf(c.reason())});
        }
        rows.add(new String[] {"experiment", r.getExperimentId()});
        rows.add(new String[] {"workflow", r.getWorkflowId() + " (" + r.getWorkflowVersionId() + ")"});
        rows.add(new String[] {"block", r.getBlockId() + " (" + r.getBlockType() + ")"});
        rows.add(new String[] {
            "documents",
            r.getCompletedDocumentCount() + "/" + r.getDocumentCount() + " done, " + r.getErrorCount() + " failed"
        });
        rows.add(new String[] {
            "created", time(r.getTiming() == null ? null : r.getTiming().getCreatedAt())
        });
        rows.add(new String[] {
            "started", time(r.getTiming() == null ? null : r.getTiming().getStartedAt())
        });
        rows.add(new String[] {
            "finished", time(r.getTiming() == null ? null : r.getTiming().getCompletedAt())
        });
        for (String[] row : rows) {
            out.printf("%-11s %s%n", row[0], row[1]);
        }
        out.flush();
    }

    static void experiment(PrintWriter out, WorkflowExperiment e) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"id", e.getId()});
        rows.add(new String[] {"name", e.getName()});
        rows.add(new String[] {"workflow", e.getWorkflowId()});
        rows.add(new String[] {"block", e.getBlockId() + " (" + e.getBlockType() + ")"});
        rows.add(new String[] {"consensus", String.valueOf(e.getnConsensus())});
        rows.add(new String[] {"documents", e.getDocumentCount() + documentIds(e.getDocuments())});
        rows.add(new String[] {"last run", e.getLastRunId() == null ? "-" : e.getLastRunId()});
        rows.add(new String[] {"created", time(e.getCreatedAt())});
        rows.add(new String[] {"updated", time(e.getUpdatedAt())});
        for (String[] row : rows) {
            out.printf("%-11s %s%n", row[0], row[1]);
        }
        out.flush();
    }

    /** {@code ": doc_1, doc_2, … (+3)"}: the ids of the documents' files, the first five. */
    private static String documentIds(List<ExplicitExperimentDocument> documents) {
        if (documents == null || documents.isEmpty()) {
            return "";
        }
        List<String> ids = new ArrayList<>();
        for (ExplicitExperimentDocument d : documents.subList(0, Math.min(5, documents.size()))) {
            String id = d.getHandleInputs() == null
                    ? null
                    : d.getHandleInputs().values().stream()
                            .filter(p -> p.getType() == HandlePayload.TypeEnum.FILE && p.getDocument() != null)
                            .map(p -> p.getDocument().getId())
                            .findFirst()
                            .orElse(null);
            ids.add(id == null ? "?" : id);
        }
        return ": " + String.join(", ", ids) + (documents.size() > 5 ? ", … (+" + (documents.size() - 5) + ")" : "");
    }

    static void table(PrintWriter out, List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i] == null ? 0 : row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(String.format("%-" + widths[i] + "s", row[i] == null ? "" : row[i]));
                if (i < row.length - 1) {
                    line.append("  ");
                }
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    static String time(OffsetDateTime t) {
        return t == null
                ? "-"
                : t.withOffsetSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'"));
    }

    static String duration(Timing t) {
        return t == null || t.getDurationMs() == null ? "-" : t.getDurationMs() + " ms";
    }
}
