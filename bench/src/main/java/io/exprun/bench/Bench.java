package io.exprun.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The benchmark's JVM tools, each run in its own process by {@code bench/run-benchmark.sh} (the ceiling server, the
 * run-id collector, the open-loop load generator, the storage's own cancel limit) and
 * {@code bench/run-volume-benchmark.sh} (the volume fill and measurement), {@code bench/run-storage-speed.sh} (runs
 * made and cancelled at full speed, {@code churn}), the embedded engines' disk growth on their own
 * ({@code storage-growth}), and clients waiting on a run ({@code waits}, {@code bench/run-waits.sh}).
 */
@Command(
        name = "exprun-bench",
        mixinStandardHelpOptions = true,
        subcommands = {
            CeilingServer.class,
            RunIds.class,
            OpenLoopLoad.class,
            VolumeLoad.class,
            StorageGrowth.class,
            StorageLimit.class,
            WaitLoad.class,
            Churn.class
        })
public final class Bench {

    private Bench() {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new Bench()).execute(args));
    }
}
