package io.exprun.bench;

import io.exprun.server.ExprunServer;
import io.exprun.server.config.ServerConfig;
import io.exprun.server.domain.Experiment;
import io.exprun.server.domain.Lifecycle;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.Result;
import io.exprun.server.domain.Run;
import io.exprun.server.store.RunStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * exprun's cancel and get-run endpoints under load, against the Jersey-on-Grizzly ceiling measured in the same run,
 * and bulk cancel of runs with 1k, 10k and 100k pending results; on H2 and on PostgreSQL. Everything on loopback,
 * bounded in requests. Prints a Markdown report (and writes it to bench/target/benchmark-report.md).
 *
 * <p>{@code java -jar bench/target/exprun-bench.jar [--quick]}
 */
public final class Benchmark {

    private static final int[] CONCURRENCY = {1, 8, 32, 64};
    private static final String KEY = "bench-key";
    private static final String AUTH = "Bearer " + KEY;
    private static final String RUNS = "/v1/workflows/experiments/runs/";

    private final boolean quick;
    private final StringBuilder report = new StringBuilder();

    private Benchmark(boolean quick) {
        this.quick = quick;
    }

    public static void main(String[] args) throws Exception {
        new Benchmark(Arrays.asList(args).contains("--quick")).run();
        System.exit(0);
    }

    private int requestsAt(int connections) {
        int n = switch (connections) {
            case 1 -> 600;
            case 8 -> 2_000;
            default -> 4_000;
        };
        return quick ? n / 4 : n;
    }

    private void run() throws Exception {
        line("# exprun benchmark");
        line("");
        line("Machine: " + Runtime.getRuntime().availableProcessors() + " cores, JVM max heap "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB, " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + "; load generator and server share the machine (loopback).");
        line("Started " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + (quick ? " (--quick: 1/4 of the requests)" : ""));
        line("");

        // the ceiling, measured in the same run, with a body the size of a cancel answer
        Map<Integer, LoadGenerator.Result> ceiling = new java.util.TreeMap<>();
        int bodySize;
        try (CeilingServer probe = new CeilingServer(280)) {
            bodySize = 280;
            warm(probe.port(), i -> LoadGenerator.http("POST", "/ceiling", null), 3_000);
            for (int c : CONCURRENCY) {
                ceiling.put(c, LoadGenerator.run("127.0.0.1", probe.port(), c, requestsAt(c),
                        i -> LoadGenerator.http("POST", "/ceiling", null), 200));
            }
        }

        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setServerConfig("synchronous_commit", "on") // a 200 from cancel is durable, as deployed
                .setServerConfig("max_connections", "200")
                .start();
        try {
            Path h2dir = Files.createTempDirectory("exprun-bench-h2");
            // -Dexprun.bench.h2WriteDelay=500 measures H2's non-durable default, to show what durability costs
            String writeDelay = System.getProperty("exprun.bench.h2WriteDelay", "0");
            benchmarkDatabase("H2 (embedded, file, WRITE_DELAY=" + writeDelay + ")", ServerConfig.defaults()
                    .withDb("jdbc:h2:file:" + h2dir.resolve("exprun") + ";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;WRITE_DELAY="
                            + writeDelay, null, null), ceiling, bodySize);
            benchmarkDatabase("PostgreSQL 17 (embedded, synchronous_commit=on)", ServerConfig.defaults()
                    .withDb(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "postgres"), ceiling, bodySize);
        } finally {
            postgres.close();
        }

        Path out = Path.of("bench", "target", "benchmark-report.md");
        if (!Files.isDirectory(out.getParent())) {
            out = Path.of("benchmark-report.md");
        }
        Files.writeString(out, report.toString(), StandardCharsets.UTF_8);
        System.out.println();
        System.out.println("report written to " + out.toAbsolutePath());
    }

    private void benchmarkDatabase(String name, ServerConfig base, Map<Integer, LoadGenerator.Result> ceiling,
                                   int ceilingBody) throws Exception {
        ServerConfig config = base.withPort(0).withWorkers(0).withApiKeys(Map.of(KEY, "bench")).withDbPoolSize(32);
        try (ExprunServer server = ExprunServer.start(config)) {
            int port = server.baseUri().getPort();
            RunStore store = server.store();
            line("## " + name);
            line("");

            int needed = 500;
            for (int c : CONCURRENCY) {
                needed += requestsAt(c);
            }
            long t0 = System.nanoTime();
            List<String> ids = createRunningRuns(store, needed, 10);
            line(String.format(Locale.ROOT, "Set-up: %,d running runs with 10 pending results each, inserted in %.1f s.",
                    needed, (System.nanoTime() - t0) / 1e9));
            line("");

            int[] cursor = {0};
            List<String> warmIds = ids.subList(0, 500);
            cursor[0] = 500;
            warm(port, i -> LoadGenerator.http("POST", RUNS + warmIds.get(i % warmIds.size()) + "/cancel", AUTH), 500);
            warm(port, i -> LoadGenerator.http("GET", RUNS + warmIds.get(i % warmIds.size()), AUTH), 2_000);

            line("| endpoint | connections | requests | req/s | p50 ms | p99 ms | p99.9 ms | errors | ceiling req/s | ratio |");
            line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (int c : CONCURRENCY) {
                int n = requestsAt(c);
                List<String> slice = ids.subList(cursor[0], cursor[0] + n);
                cursor[0] += n;
                LoadGenerator.Result cancel = LoadGenerator.run("127.0.0.1", port, c, n,
                        i -> LoadGenerator.http("POST", RUNS + slice.get(i) + "/cancel", AUTH), 200);
                row("cancel", cancel, ceiling.get(c));
            }
            for (int c : CONCURRENCY) {
                int n = requestsAt(c);
                LoadGenerator.Result get = LoadGenerator.run("127.0.0.1", port, c, n,
                        i -> LoadGenerator.http("GET", RUNS + ids.get(i % ids.size()), AUTH), 200);
                row("get run", get, ceiling.get(c));
            }
            line("");
            line("Ceiling body: " + ceilingBody + " bytes of constant JSON from the same Jersey + Grizzly (no auth, no database).");
            line("");

            line("Bulk cancel (one `POST …/cancel` over HTTP, run with N pending results):");
            line("");
            line("| pending results | cancel latency ms (each try) | median ms |");
            line("|---:|---|---:|");
            for (int n : new int[]{1_000, 10_000, 100_000}) {
                List<Double> tries = new ArrayList<>();
                for (int attempt = 0; attempt < 3; attempt++) {
                    String runId = createRunningRuns(store, 1, n).get(0);
                    tries.add(timeOneCancel(port, runId));
                }
                List<Double> sorted = new ArrayList<>(tries);
                sorted.sort(Double::compare);
                line(String.format(Locale.ROOT, "| %,d | %s | %.1f |", n,
                        String.join(", ", tries.stream().map(t -> String.format(Locale.ROOT, "%.1f", t)).toList()),
                        sorted.get(1)));
            }
            line("");
        }
    }

    private void row(String endpoint, LoadGenerator.Result r, LoadGenerator.Result ceiling) {
        line(String.format(Locale.ROOT, "| %s | %d | %,d | %,.0f | %.2f | %.2f | %.2f | %d | %,.0f | %.2f |", endpoint,
                r.connections(), r.requests(), r.throughput(), r.p(50), r.p(99), r.p(99.9), r.errors(),
                ceiling.throughput(), r.throughput() / ceiling.throughput()));
    }

    private static double timeOneCancel(int port, String runId) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setTcpNoDelay(true);
            long t0 = System.nanoTime();
            s.getOutputStream().write(LoadGenerator.http("POST", RUNS + runId + "/cancel", AUTH));
            s.getOutputStream().flush();
            byte[] head = new byte[12];
            int read = 0;
            while (read < 12) {
                int n = s.getInputStream().read(head, read, 12 - read);
                if (n < 0) {
                    throw new IOException("closed");
                }
                read += n;
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            String status = new String(head, 9, 3, StandardCharsets.ISO_8859_1);
            if (!status.equals("200")) {
                throw new IllegalStateException("bulk cancel answered " + status);
            }
            return ms;
        }
    }

    private static void warm(int port, java.util.function.IntFunction<byte[]> request, int n) throws Exception {
        LoadGenerator.run("127.0.0.1", port, 8, n, request, 200);
    }

    /** Running runs (as a worker would leave them) with {@code results} pending results each, inserted in parallel. */
    private static List<String> createRunningRuns(RunStore store, int runs, int results) throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<String> ids = new ArrayList<>(runs);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> pending = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                String runId = "exprun_bench_" + java.util.UUID.randomUUID().toString().replace("-", "");
                ids.add(runId);
                pending.add(pool.submit(() -> {
                    Run run = new Run(runId, "bench", "exp_demo", "wf_demo", "wfv_demo_1", "blk_extract", "extract", 3,
                            "api", Lifecycle.of(LifecycleStatus.RUNNING), now, now, null, "bef_bench", "df_bench",
                            results, 0, 0);
                    List<Result> rs = new ArrayList<>(results);
                    for (int i = 0; i < results; i++) {
                        rs.add(new Result(runId.replace("exprun_", "expres_") + "_" + i, "bench", runId, "exp_demo",
                                new Experiment.Document("doc_" + i, "doc.pdf", "application/pdf"), "extract",
                                Lifecycle.of(LifecycleStatus.PENDING), now, null, null, 0, null));
                    }
                    store.insertRun(run, rs);
                }));
            }
            for (Future<?> f : pending) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        return ids;
    }

    private void line(String s) {
        System.out.println(s);
        report.append(s).append('\n');
    }
}
