package io.exprun.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs made and cancelled at full speed (issue 34's retention benchmark): each of {@code --connections} clients, in a
 * closed loop, creates a run of the demo experiment and cancels it at once, so every run becomes terminal (and
 * retention may take it) a moment after it was made. Create and cancel latencies are recorded apart.
 *
 * <p>Output: every {@code --every-seconds} one tab-separated line on {@code --intervals} (seconds since the start,
 * creates, cancels, errors, cancel p50, p99, max in ms, create p99 in ms, of that interval), and at the end one line
 * per kind on stdout, as {@code open-loop} prints it (requests, req/s, p50, p99, p99.9, max, errors), over the time
 * after {@code --measure-after-seconds}.
 */
@Command(name = "churn", description = "Create runs and cancel each at once, from N clients, at full speed.")
final class Churn implements Callable<Integer> {

    @Option(names = "--base", required = true, description = "e.g. http://127.0.0.1:8080")
    String base;

    @Option(names = "--key", required = true, description = "API key")
    String key;

    @Option(names = "--connections", defaultValue = "32")
    int connections;

    @Option(names = "--seconds", defaultValue = "600")
    double seconds;

    @Option(names = "--measure-after-seconds", defaultValue = "0", description = "what the summary leaves out")
    double measureAfter;

    @Option(names = "--every-seconds", defaultValue = "10")
    double every;

    @Option(names = "--intervals", required = true, description = "file for the per-interval lines")
    Path intervals;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        Recorder creates = new Recorder(TimeUnit.MINUTES.toMicros(5), 3);
        Recorder cancels = new Recorder(TimeUnit.MINUTES.toMicros(5), 3);
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        List<Thread> clients = new ArrayList<>();
        try (CloseableHttpClient http = OpenLoopLoad.client(connections)) {
            for (int c = 0; c < connections; c++) {
                Thread client = new Thread(() -> loop(http, end, creates, cancels, errors), "churn-" + c);
                clients.add(client);
                client.start();
            }
            report(start, end, creates, cancels, errors);
            for (Thread client : clients) {
                client.join();
            }
        }
        return 0;
    }

    private void loop(CloseableHttpClient http, long end, Recorder creates, Recorder cancels, AtomicLong errors) {
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            String id = send(
                    http,
                    ClassicRequestBuilder.post(base + "/v1/workflows/experiments/runs")
                            .setEntity(
                                    new StringEntity("{\"experiment_id\":\"exp_demo\"}", ContentType.APPLICATION_JSON))
                            .build());
            long t1 = System.nanoTime();
            creates.recordValue(Math.min(TimeUnit.MINUTES.toMicros(5), (t1 - t0) / 1000));
            if (id == null) {
                errors.incrementAndGet();
                continue;
            }
            String cancelled = send(
                    http,
                    ClassicRequestBuilder.post(base + "/v1/workflows/experiments/runs/" + id + "/cancel")
                            .build());
            cancels.recordValue(Math.min(TimeUnit.MINUTES.toMicros(5), (System.nanoTime() - t1) / 1000));
            if (cancelled == null) {
                errors.incrementAndGet();
            }
        }
    }

    /** The answer's {@code id}, or null for anything but a 2xx with one. */
    private String send(CloseableHttpClient http, ClassicHttpRequest request) {
        request.addHeader("Authorization", "Bearer " + key);
        try {
            return http.execute(request, answer -> {
                String body = EntityUtils.toString(answer.getEntity(), StandardCharsets.UTF_8);
                return answer.getCode() / 100 == 2
                        ? JSON.readTree(body).path("id").asText(null)
                        : null;
            });
        } catch (IOException e) {
            return null;
        }
    }

    private void report(long start, long end, Recorder creates, Recorder cancels, AtomicLong errors)
            throws IOException, InterruptedException {
        Histogram allCreates = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
        Histogram allCancels = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
        long measuredErrors = 0;
        long measureFrom = start + (long) (measureAfter * 1e9);
        long lastErrors = 0;
        try (PrintStream out = new PrintStream(Files.newOutputStream(intervals), true, StandardCharsets.UTF_8)) {
            out.println(
                    "seconds\tcreates\tcancels\terrors\tcancel_p50_ms\tcancel_p99_ms\tcancel_max_ms\tcreate_p99_ms");
            long next = start;
            while (next < end) {
                next = Math.min(end, next + (long) (every * 1e9));
                long wait;
                while ((wait = next - System.nanoTime()) > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                Histogram c = creates.getIntervalHistogram();
                Histogram k = cancels.getIntervalHistogram();
                long e = errors.get();
                out.printf(
                        Locale.ROOT,
                        "%.0f\t%d\t%d\t%d\t%.2f\t%.2f\t%.2f\t%.2f%n",
                        (next - start) / 1e9,
                        c.getTotalCount(),
                        k.getTotalCount(),
                        e - lastErrors,
                        k.getValueAtPercentile(50) / 1e3,
                        k.getValueAtPercentile(99) / 1e3,
                        k.getMaxValue() / 1e3,
                        c.getValueAtPercentile(99) / 1e3);
                if (next > measureFrom) {
                    allCreates.add(c);
                    allCancels.add(k);
                    measuredErrors += e - lastErrors;
                }
                lastErrors = e;
            }
        }
        double measured = (end - Math.max(start, measureFrom)) / 1e9;
        System.out.println(
                "create\t" + new OpenLoopLoad.Outcome(allCreates.getTotalCount(), 0, measured, allCreates).line());
        System.out.println("cancel\t"
                + new OpenLoopLoad.Outcome(allCancels.getTotalCount(), measuredErrors, measured, allCancels).line());
    }
}
