package io.exprun.server.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the retention sweeper deletes, how often it looks, and how it paces itself. Idempotency keys are purged
 * whatever this says: their lifetime is the contract's, not a setting (see {@code RunService.IDEMPOTENCY_RETENTION}).
 *
 * @param runs          how long a terminal run (and its results) is kept after it completed (EXPRUN_RETENTION,
 *                      default 30 days); {@code null} keeps runs forever
 * @param sweepInterval the pause between two sweeps that found nothing to delete (EXPRUN_RETENTION_SWEEP_MS, default
 *                      60 s); after a sweep that deleted something the next one comes after {@link #catchUpInterval()}
 * @param batchSize     runs (or keys) the first batch of a sweep deletes, and the fewest any batch does: a backlog is
 *                      drained at least this many per batch. On SQLite batches queue with the service's writes, at
 *                      most one per commit of the writer, whose commits take at most 64 writes: 32 runs per batch
 *                      outpace creates arriving one per write (issue 34)
 * @param maxBatchSize  the most runs (or keys) one batch deletes
 * @param batchTime     how long a batch's statements should take: the next batch of a backlog is sized from the last
 *                      one's time, within [batchSize, maxBatchSize]. On SQLite every write queued behind a batch waits
 *                      this long, so it is kept to a fraction of a commit's usual time
 * @param batchPause    where batches run beside the service's writes (PostgreSQL), the least pause between two of a
 *                      sweep; on SQLite the writer's queue interleaves them with the other writes instead
 * @param databaseShare where batches run beside the service's writes (PostgreSQL), the most of the time the sweeper may
 *                      spend in its transactions (0 to 1; 1: no limit): after a batch that took t it pauses
 *                      t × (1/share − 1) (at least {@code batchPause})
 */
public record RetentionPolicy(
        Duration runs,
        Duration sweepInterval,
        int batchSize,
        int maxBatchSize,
        Duration batchTime,
        Duration batchPause,
        double databaseShare) {

    public static final RetentionPolicy DEFAULTS = new RetentionPolicy(
            Duration.ofDays(30), Duration.ofSeconds(60), 32, 1024, Duration.ofMillis(2), Duration.ZERO, 0.5);

    /** The longest wait before the next sweep once a sweep found something to delete: expiries keep coming. */
    static final Duration CATCH_UP = Duration.ofSeconds(1);

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
        if (batchSize < 1 || maxBatchSize < batchSize) {
            throw new IllegalArgumentException("the batch size must be at least 1, and at most the largest batch");
        }
        if (batchTime.isNegative() || batchTime.isZero()) {
            throw new IllegalArgumentException("the time of a batch must be more than 0");
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

    /** When the next sweep comes after one that deleted something. */
    public Duration catchUpInterval() {
        return sweepInterval.compareTo(CATCH_UP) < 0 ? sweepInterval : CATCH_UP;
    }

    /**
     * The size of a backlog's next batch, after one of {@code size} whose statements took {@code took}: scaled towards
     * {@link #batchTime}, at most doubled or halved at a time, within [{@code batchSize}, {@code maxBatchSize}].
     */
    public int nextBatchSize(int size, Duration took) {
        long scaled = took.toNanos() <= 0 ? 2L * size : (long) ((double) size * batchTime.toNanos() / took.toNanos());
        long bounded = Math.max(size / 2, Math.min(2L * size, scaled));
        return (int) Math.max(batchSize, Math.min(maxBatchSize, bounded));
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
        return new RetentionPolicy(
                keepFor, sweepInterval, batchSize, maxBatchSize, batchTime, batchPause, databaseShare);
    }

    public RetentionPolicy withSweepInterval(Duration d) {
        return new RetentionPolicy(runs, d, batchSize, maxBatchSize, batchTime, batchPause, databaseShare);
    }

    /** Every batch exactly {@code n} rows (the least and the most). */
    public RetentionPolicy withBatchSize(int n) {
        return withBatchSizes(n, n);
    }

    public RetentionPolicy withBatchSizes(int least, int most) {
        return new RetentionPolicy(runs, sweepInterval, least, most, batchTime, batchPause, databaseShare);
    }

    public RetentionPolicy withBatchTime(Duration d) {
        return new RetentionPolicy(runs, sweepInterval, batchSize, maxBatchSize, d, batchPause, databaseShare);
    }

    public RetentionPolicy withDatabaseShare(double share) {
        return new RetentionPolicy(runs, sweepInterval, batchSize, maxBatchSize, batchTime, batchPause, share);
    }

    public RetentionPolicy withBatchPause(Duration d) {
        return new RetentionPolicy(runs, sweepInterval, batchSize, maxBatchSize, batchTime, d, databaseShare);
    }
}
