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
 * @param batchPause    the least pause between two batches of one sweep while more is expired, so a large backlog
 *                      is deleted in small bites between the API's own writes instead of in one long burst
 * @param databaseShare the most of the time the sweeper may spend in its transactions (0 to 1; 1: no limit): after a
 *                      batch that took t, it pauses t × (1/share − 1) (at least {@code batchPause}). On SQLite every
 *                      create and cancel that arrives during a batch waits for it, so a request meets one with about
 *                      this probability: at 0.5% the p99 does not see the sweeper. Measured, a 10-run batch holds the
 *                      lock 18 ms (p50) to 52 ms (max), with fsync, and with a fixed 100 ms pause cancel's p99 went 9.7
 *                      → 20.3 ms during a sweep (BENCHMARKS.md, "Retention"). The price is pace: 10 runs per ~3.6 s,
 *                      ~240,000 runs a day, still more than a deployment creates; a first sweep of a large backlog
 *                      takes days, and runs meanwhile stay a little longer than the retention
 */
public record RetentionPolicy(
        Duration runs, Duration sweepInterval, int batchSize, Duration batchPause, double databaseShare) {

    public static final RetentionPolicy DEFAULTS =
            new RetentionPolicy(Duration.ofDays(30), Duration.ofSeconds(60), 10, Duration.ofMillis(100), 0.005);

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
        if (!(databaseShare > 0 && databaseShare <= 1)) {
            throw new IllegalArgumentException("the sweeper's share of the database must be more than 0 and at most 1");
        }
    }

    /** The pause after a batch that took {@code took}: the sweeper's share of the time stays within {@code databaseShare}. */
    public Duration pauseAfter(Duration took) {
        Duration share = databaseShare >= 1
                ? Duration.ZERO
                : Duration.ofNanos((long) (took.toNanos() * (1 / databaseShare - 1)));
        return share.compareTo(batchPause) > 0 ? share : batchPause;
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
        return new RetentionPolicy(keepFor, sweepInterval, batchSize, batchPause, databaseShare);
    }

    public RetentionPolicy withSweepInterval(Duration d) {
        return new RetentionPolicy(runs, d, batchSize, batchPause, databaseShare);
    }

    public RetentionPolicy withBatchSize(int n) {
        return new RetentionPolicy(runs, sweepInterval, n, batchPause, databaseShare);
    }

    public RetentionPolicy withDatabaseShare(double share) {
        return new RetentionPolicy(runs, sweepInterval, batchSize, batchPause, share);
    }

    public RetentionPolicy withBatchPause(Duration d) {
        return new RetentionPolicy(runs, sweepInterval, batchSize, d, databaseShare);
    }
}
