package io.exprun.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The volume benchmark's load (bench/run-volume-benchmark.sh): {@code fill} grows the data through the API to a
 * number of runs, and {@code measure} times every operation at the size reached.
 *
 * <p>{@code fill}: runs of two tenants and the catalog's experiments, created by {@code --connections} closed-loop
 * senders; every fourth run is cancelled right after its creation (a 404 there means a worker finished it first,
 * which is counted, not an error), and the server's own workers move the others on as fast as they can (completed,
 * some in error; the rest stay pending or queued), so every status is in the data. The id of every run is appended to
 * {@code --ids} (tenant, id), which the measurement samples from.
 *
 * <p>{@code measure}: for each operation, {@code --samples} requests one after another on one connection, so a
 * latency is the server's alone, not a queue's: create, get, cancel (of runs created for it), the results of a run,
 * and every list shape the spec allows (first page newest and oldest first, a deep cursor, status, exclude_status,
 * experiment_id matching or not, a date range). Prints one tab-separated line per operation: label, operation,
 * samples, p50, p99, p99.9, max (ms), errors.
 */
@Command(
        name = "volume",
        description = "Fill exprun through the API, or measure every operation at its size.",
        subcommands = {VolumeLoad.Fill.class, VolumeLoad.Measure.class})
final class VolumeLoad {

    static final String RUNS = "/v1/workflows/experiments/runs";
    static final String RESULTS = "/v1/workflows/experiments/results";
    static final List<String> EXPERIMENTS = List.of("exp_demo", "exp_classify");
    private static final ObjectMapper JSON = new ObjectMapper();

    static class Target {
        @Option(names = "--base", required = true)
        String base;

        @Option(names = "--key-a", required = true)
        String keyA;

        @Option(names = "--key-b", required = true)
        String keyB;

        @Option(names = "--ids", required = true, description = "file of 'tenant-index<TAB>run id' lines")
        Path ids;
    }

    record Answer(int status, String body) {}

    static Answer send(CloseableHttpClient http, String method, String url, String key, String body) {
        ClassicRequestBuilder b =
                ClassicRequestBuilder.create(method).setUri(url).addHeader("Authorization", "Bearer " + key);
        if (body != null) {
            b.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
        }
        ClassicHttpRequest request = b.build();
        try {
            return http.execute(request, a -> new Answer(a.getCode(), EntityUtils.toString(a.getEntity())));
        } catch (IOException e) {
            return new Answer(-1, e.toString());
        }
    }

    static String createBody(long n) {
        return "{\"experiment_id\":\"" + EXPERIMENTS.get((int) (n % EXPERIMENTS.size())) + "\"}";
    }

    static String idOf(Answer a) {
        try {
            return JSON.readTree(a.body()).get("id").asText();
        } catch (IOException e) {
            throw new IllegalStateException("not a run: " + a.body(), e);
        }
    }

    @Command(name = "fill", description = "Create (and cancel every fourth) run until the server holds --to runs.")
    static final class Fill implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target = new Target();

        @Option(names = "--from", defaultValue = "0", description = "runs created before")
        long from;

        @Option(names = "--to", required = true)
        long to;

        @Option(names = "--connections", defaultValue = "16")
        int connections;

        @Override
        public Integer call() throws Exception {
            AtomicLong next = new AtomicLong(from);
            AtomicLong errors = new AtomicLong();
            AtomicLong finishedFirst = new AtomicLong();
            long started = System.nanoTime();
            List<Thread> senders = new ArrayList<>();
            try (CloseableHttpClient http = OpenLoopLoad.client(connections)) {
                for (int t = 0; t < connections; t++) {
                    Thread sender = new Thread(
                            () -> {
                                StringBuilder lines = new StringBuilder();
                                long n;
                                while ((n = next.getAndIncrement()) < to) {
                                    int tenant = (int) (n % 2);
                                    String key = tenant == 0 ? target.keyA : target.keyB;
                                    Answer created = send(http, "POST", target.base + RUNS, key, createBody(n / 2));
                                    if (created.status() != 201 && created.status() != 200) {
                                        errors.incrementAndGet();
                                        continue;
                                    }
                                    String id = idOf(created);
                                    lines.append(tenant).append('\t').append(id).append('\n');
                                    if (n % 4 == 1) {
                                        int status = send(
                                                        http,
                                                        "POST",
                                                        target.base + RUNS + "/" + id + "/cancel",
                                                        key,
                                                        null)
                                                .status();
                                        if (status == 404) {
                                            finishedFirst
                                                    .incrementAndGet(); // a worker finished it first: not cancellable
                                        } else if (status != 200) {
                                            errors.incrementAndGet();
                                        }
                                    }
                                    if (lines.length() > 64_000) {
                                        append(target.ids, lines);
                                    }
                                }
                                append(target.ids, lines);
                            },
                            "fill-" + t);
                    senders.add(sender);
                    sender.start();
                }
                for (Thread s : senders) {
                    s.join();
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "created %d\t%.0f runs/s\terrors %d\tcancels that found the run finished %d%n",
                    to - from,
                    (to - from) / seconds,
                    errors.get(),
                    finishedFirst.get());
            return errors.get() == 0 ? 0 : 3;
        }

        private static synchronized void append(Path file, StringBuilder lines) {
            try {
                Files.writeString(file, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                lines.setLength(0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Command(name = "measure", description = "Time every operation, one request at a time.")
    static final class Measure implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target = new Target();

        @Parameters(index = "0", description = "a label for the lines, e.g. sqlite-100000")
        String label;

        @Option(names = "--samples", defaultValue = "500")
        int samples;

        @Option(names = "--only", split = ",", description = "only these operations (e.g. create,cancel)")
        java.util.Set<String> only;

        @Override
        public Integer call() throws Exception {
            List<String> tenantA = new ArrayList<>();
            for (String line : Files.readAllLines(target.ids)) {
                if (line.startsWith("0\t")) {
                    tenantA.add(line.substring(2));
                }
            }
            String deepCursor = tenantA.get(tenantA.size() / 2);
            String today = LocalDate.now(ZoneOffset.UTC).toString();
            String weekAgo = LocalDate.now(ZoneOffset.UTC).minusDays(7).toString();
            Map<String, String> lists = new LinkedHashMap<>();
            lists.put("list newest first", RUNS + "?limit=100");
            lists.put("list oldest first", RUNS + "?limit=100&order=asc");
            lists.put("list deep cursor", RUNS + "?limit=100&after=" + deepCursor);
            lists.put("list deep cursor before", RUNS + "?limit=100&before=" + deepCursor);
            lists.put("list status=pending", RUNS + "?limit=100&status=pending");
            lists.put("list status=cancelled", RUNS + "?limit=100&status=cancelled");
            lists.put("list exclude_status=completed", RUNS + "?limit=100&exclude_status=completed");
            lists.put("list experiment_id", RUNS + "?limit=100&experiment_id=exp_classify");
            lists.put("list experiment_id (none)", RUNS + "?limit=100&experiment_id=exp_nothing");
            lists.put("list date range", RUNS + "?limit=100&from_date=" + weekAgo + "&to_date=" + today);
            try (CloseableHttpClient http = OpenLoopLoad.client(1)) {
                String base = target.base;
                String key = target.keyA;
                ThreadLocalRandom random = ThreadLocalRandom.current();
                // warm the paths up: the first requests of a fresh JVM measure the JIT, not the data
                for (int i = 0; i < 200; i++) {
                    send(http, "GET", base + RUNS + "/" + tenantA.get(random.nextInt(tenantA.size())), key, null);
                    send(http, "GET", base + RUNS + "?limit=100", key, null);
                }
                List<String> fresh = new ArrayList<>();
                Map<String, Request> operations = new LinkedHashMap<>();
                operations.put("create", i -> {
                    Answer a = send(http, "POST", base + RUNS, key, createBody(i));
                    if (a.status() / 100 == 2) {
                        fresh.add(idOf(a));
                    }
                    return a.status();
                });
                operations.put(
                        "get",
                        i -> send(
                                        http,
                                        "GET",
                                        base + RUNS + "/" + tenantA.get(random.nextInt(tenantA.size())),
                                        key,
                                        null)
                                .status());
                operations.put(
                        "cancel",
                        i -> send(http, "POST", base + RUNS + "/" + fresh.get(i) + "/cancel", key, null)
                                .status());
                operations.put(
                        "results of a run",
                        i -> send(
                                        http,
                                        "GET",
                                        base + RESULTS + "?run_id=" + tenantA.get(random.nextInt(tenantA.size())),
                                        key,
                                        null)
                                .status());
                lists.forEach((name, path) -> operations.put(
                        name, i -> send(http, "GET", base + path, key, null).status()));
                for (Map.Entry<String, Request> operation : operations.entrySet()) {
                    String name = operation.getKey();
                    // cancels need the runs the creates made; a list is one of many shapes: half the samples
                    boolean wanted =
                            only == null || only.contains(name) || name.equals("create") && only.contains("cancel");
                    if (wanted) {
                        int n = name.equals("cancel") ? fresh.size() : name.startsWith("list") ? samples / 2 : samples;
                        print(name, time(n, operation.getValue()));
                    }
                }
            }
            return 0;
        }

        interface Request {
            int send(int i);
        }

        record Timed(Histogram micros, long errors) {}

        private static Timed time(int n, Request request) {
            Histogram h = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
            long errors = 0;
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                int status = request.send(i);
                h.recordValue(Math.min(h.getHighestTrackableValue(), (System.nanoTime() - t0) / 1000));
                if (status / 100 != 2) {
                    errors++;
                }
            }
            return new Timed(h, errors);
        }

        private void print(String operation, Timed t) {
            Histogram h = t.micros();
            System.out.printf(
                    Locale.ROOT,
                    "%s\t%s\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%d%n",
                    label,
                    operation,
                    h.getTotalCount(),
                    h.getValueAtPercentile(50) / 1e3,
                    h.getValueAtPercentile(99) / 1e3,
                    h.getValueAtPercentile(99.9) / 1e3,
                    h.getMaxValue() / 1e3,
                    t.errors());
        }
    }

    private VolumeLoad() {}
}
