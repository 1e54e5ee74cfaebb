package io.exprun.server.work;

import io.exprun.server.domain.ErrorInfo;
import io.exprun.server.domain.Result;
import io.exprun.server.domain.Run;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * Stands in for real block execution: takes {@code documentMillis} per document and fails with probability
 * {@code failureRate}. It waits in short slices so that a cancel stops it within ~{@value #SLICE_MS} ms.
 */
public final class SimulatedBlockExecutor implements BlockExecutor {

    private static final long SLICE_MS = 25;

    private final long documentMillis;
    private final double failureRate;

    public SimulatedBlockExecutor(long documentMillis, double failureRate) {
        if (documentMillis < 0 || failureRate < 0 || failureRate > 1) {
            throw new IllegalArgumentException("documentMillis >= 0 and 0 <= failureRate <= 1 required");
        }
        this.documentMillis = documentMillis;
        this.failureRate = failureRate;
    }

    @Override
    public Outcome execute(Run run, Result result, BooleanSupplier stillWanted) throws InterruptedException {
        long deadline = System.nanoTime() + documentMillis * 1_000_000;
        while (true) {
            if (!stillWanted.getAsBoolean()) {
                return new Outcome.Abandoned();
            }
            long leftMs = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMs <= 0) {
                break;
            }
            Thread.sleep(Math.min(SLICE_MS, leftMs));
        }
        if (failureRate > 0 && ThreadLocalRandom.current().nextDouble() < failureRate) {
            String message = "Simulated failure of block " + run.blockId() + " on document "
                    + result.document().id();
            return new Outcome.Failed(
                    message,
                    new ErrorInfo(
                            message,
                            null,
                            run.blockId(),
                            run.blockType(),
                            "simulated_failure",
                            Map.of("document_id", result.document().id(), "attempt", result.attempt())));
        }
        String output = "{\"document_id\":\"" + jsonEscape(result.document().id()) + "\",\"block_type\":\""
                + jsonEscape(run.blockType()) + "\",\"n_consensus\":" + run.nConsensus() + "}";
        return new Outcome.Completed(output);
    }

    private static String jsonEscape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            if (ch == '"' || ch == '\\') {
                b.append('\\').append(ch);
            } else if (ch < 0x20) {
                b.append(String.format("\\u%04x", (int) ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }
}
