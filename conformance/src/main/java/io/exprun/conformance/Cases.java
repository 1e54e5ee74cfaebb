package io.exprun.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs named checks and keeps their outcomes, in order. A check fails by {@link #expect}ing something false (or by
 * any exception: an answer that cannot even be read is a failure of the target, never of the kit's run), and is
 * skipped by {@link #skip}. A target that stops answering ends the whole run ({@link Target.Unreachable}).
 */
final class Cases {

    /** The body of one check. */
    interface Check {
        void run() throws Exception;
    }

    /** A check's expectation did not hold. */
    static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message);
        }
    }

    /** A check that could not be made here; says why. */
    static final class Skip extends RuntimeException {
        Skip(String why) {
            super(why);
        }
    }

    private final List<CaseResult> results = new ArrayList<>();
    private final Consumer<CaseResult> listener;

    Cases(Consumer<CaseResult> listener) {
        this.listener = listener;
    }

    void run(String category, String name, Check check) {
        long start = System.nanoTime();
        CaseResult.Outcome outcome = CaseResult.Outcome.PASSED;
        String message = null;
        try {
            check.run();
        } catch (Target.Unreachable u) {
            throw u; // the target went away: stop, exit 2, rather than time out check after check
        } catch (Skip s) {
            outcome = CaseResult.Outcome.SKIPPED;
            message = s.getMessage();
        } catch (Failure f) {
            outcome = CaseResult.Outcome.FAILED;
            message = f.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = CaseResult.Outcome.FAILED;
            message = "interrupted";
        } catch (Exception e) {
            outcome = CaseResult.Outcome.FAILED;
            message = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        record(new CaseResult(category, name, outcome, message, (System.nanoTime() - start) / 1_000_000));
    }

    void record(CaseResult result) {
        results.add(result);
        listener.accept(result);
    }

    List<CaseResult> results() {
        return List.copyOf(results);
    }

    static void expect(boolean ok, String format, Object... args) {
        if (!ok) {
            throw new Failure(String.format(format, args));
        }
    }

    static Skip skip(String why) {
        return new Skip(why);
    }
}
