package io.exprun.server.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the retention sweeper deletes and how often it looks. Idempotency keys are purged whatever this says: their
 * lifetime is the contract's, not a setting (see {@code RunService.IDEMPOTENCY_RETENTION}).
 *
 * @param runs          how long a terminal run (and its results) is kept after it completed (EXPRUN_RETENTION,
 *                      default 30 days); {@code null} keeps runs forever
 * @param sweepInterval the pause between two sweeps (EXPRUN_RETENTION_SWEEP_MS, default 60 s)
 * @param batchSize     runs (or keys) deleted per transaction: bounded so no transaction holds locks for long. On the
 *                      embedded SQLite a batch holds the one write lock, so every create and cancel waits for it:
 *                      500 runs per batch raised the create p99 4× during a sweep, 50 runs still 1.5×
 *                      (BENCHMARKS.md, "Retention"). 10 runs with the pause still sweep ~90 runs/s, 7M a day, far
 *                      more than any deployment creates
 * @param batchPause    the pause between two batches of one sweep while more is expired, so a large backlog is
 *                      deleted in small bites between the API's own writes instead of in one long burst
 */
public record RetentionPolicy(Duration runs, Duration sweepInterval, int batchSize, Duration batchPause) {

    public static final RetentionPolicy DEFAULTS = new RetentionPolicy(Duration.ofDays(30), Duration.ofSeconds(60),
            10, Duration.ofMillis(100));

    /** The values that keep runs forever (also any zero duration). */
    private static final Set<String> FOREVER = Set.of("0", "off", "forever");
    private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    public RetentionPolicy {
        if (runs != null && (runs.isNegative() || runs.isZero())) {
            throw new IllegalArgumentException("the retention must be more than 0 (or off)");
        }
        if (sweepInterval.toMillis() <= 0) {
            throw new IllegalArgumentException("the sweep interval must be more than 0 ms");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("the batch size must be at least 1");
        }
        if (batchPause.isNegative()) {
            throw new IllegalArgumentException("the pause between batches must be >= 0");
        }
    }

    /** The run retention, or empty when runs are kept forever. */
    public Optional<Duration> runRetention() {
        return Optional.ofNullable(runs);
    }

    /**
     * EXPRUN_RETENTION's value: an ISO-8601 duration ({@code P30D}, {@code PT12H}), a number with a unit
     * ({@code 30d}, {@code 12h}, {@code 90m}, {@code 45s}, {@code 500ms}), or {@code 0}/{@code off}/{@code forever}
     * (and any zero duration) for no run retention, returned as {@code null}.
     */
    public static Duration parseRetention(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (FOREVER.contains(v)) {
            return null;
        }
        Duration d;
        Matcher simple = SIMPLE.matcher(v);
        if (simple.matches()) {
            long n = Long.parseLong(simple.group(1));
            d = switch (simple.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                d = Duration.parse(v.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not a duration");
            }
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative");
        }
        return d.isZero() ? null : d;
    }

    public RetentionPolicy withRuns(Duration keepFor) {
        return new RetentionPolicy(keepFor, sweepInterval, batchSize, batchPause);
    }

    public RetentionPolicy withSweepInterval(Duration d) {
        return new RetentionPolicy(runs, d, batchSize, batchPause);
    }

    public RetentionPolicy withBatchSize(int n) {
        return new RetentionPolicy(runs, sweepInterval, n, batchPause);
    }

    public RetentionPolicy withBatchPause(Duration d) {
        return new RetentionPolicy(runs, sweepInterval, batchSize, d);
    }
}
