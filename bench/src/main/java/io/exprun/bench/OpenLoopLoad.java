package io.exprun.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.apache.hc.core5.util.Timeout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Open-loop, fixed-rate load: request i is due at {@code start + i / rate}, whatever happened to the ones before it,
 * and its latency is measured from that intended start, not from when a connection got free to send it. That is
 * the correction for coordinated omission: a stall of the server shows up in every request that was due during it,
 * as it would for users arriving at that rate. HTTP through the JDK's HttpClient (HTTP/1.1 keep-alive), at most
 * {@code --connections} requests in flight; a request due while all are busy waits, and that wait counts.
 *
 * <p>Output: one tab-separated line: requests, achieved req/s, p50, p99, p99.9, max (ms), errors.
 */
@Command(name = "open-loop", description = "Fixed-rate load with latency from each request's intended start.")
final class OpenLoopLoad implements Callable<Integer> {

    @Option(names = "--base", required = true, description = "e.g. http://127.0.0.1:8080")
    String base;

    @Option(names = "--key", defaultValue = "", description = "API key (none for the ceiling)")
    String key;

    @Option(names = "--ids", required = true, description = "file of run ids, one per line; each used once")
    Path ids;

    @Option(names = "--method", defaultValue = "POST")
    String method;

    @Option(names = "--path", defaultValue = "/v1/workflows/experiments/runs/%s/cancel", description = "%s: run id")
    String pathTemplate;

    @Option(names = "--rate", required = true, description = "requests per second")
    double rate;

    @Option(names = "--seconds", defaultValue = "10")
    double seconds;

    @Option(names = "--warmup-seconds", defaultValue = "2", description = "at the same rate, not recorded")
    double warmupSeconds;

    @Option(names = "--connections", defaultValue = "64")
    int connections;

    /** Latencies of one phase; errors are non-2xx answers and failed exchanges. */
    record Outcome(long requests, long errors, double seconds, Histogram micros) {
        String line() {
            return String.format(
                    Locale.ROOT,
                    "%d\t%.0f\t%.2f\t%.2f\t%.2f\t%.2f\t%d",
                    requests,
                    requests / seconds,
                    micros.getValueAtPercentile(50) / 1e3,
                    micros.getValueAtPercentile(99) / 1e3,
                    micros.getValueAtPercentile(99.9) / 1e3,
                    micros.getMaxValue() / 1e3,
                    errors);
        }
    }

    @Override
    public Integer call() throws Exception {
        List<String> runIds = Files.readAllLines(ids);
        long warmup = Math.round(rate * warmupSeconds);
        long measured = Math.round(rate * seconds);
        if (runIds.size() < warmup + measured) {
            System.err.println("need " + (warmup + measured) + " run ids, have " + runIds.size());
            return 1;
        }
        try (CloseableHttpClient http = client(connections)) {
            run(http, runIds.subList(0, (int) warmup));
            Outcome outcome = run(http, runIds.subList((int) warmup, (int) (warmup + measured)));
            System.out.println(outcome.line());
        }
        return 0;
    }

    /** Keep-alive connections, at most {@code connections}, 10 s timeouts, no retries (a failure is an error). */
    static CloseableHttpClient client(int connections) {
        Timeout tenSeconds = Timeout.ofSeconds(10);
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(connections)
                        .setMaxConnPerRoute(connections)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(tenSeconds)
                                .setSocketTimeout(tenSeconds)
                                .build())
                        .build())
                .setDefaultRequestConfig(
                        RequestConfig.custom().setResponseTimeout(tenSeconds).build())
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .build();
    }

    Outcome run(CloseableHttpClient http, List<String> runIds) throws InterruptedException {
        long interval = Math.round(1e9 / rate);
        AtomicLong next = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong lastEnd = new AtomicLong();
        List<Histogram> perSender = new ArrayList<>();
        List<Thread> senders = new ArrayList<>();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        for (int t = 0; t < connections; t++) {
            Histogram h = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
            perSender.add(h);
            Thread sender = new Thread(
                    () -> {
                        long i;
                        while ((i = next.getAndIncrement()) < runIds.size()) {
                            long due = start + i * interval;
                            long wait;
                            while ((wait = due - System.nanoTime()) > 0) {
                                LockSupport.parkNanos(wait);
                            }
                            ClassicHttpRequest request = ClassicRequestBuilder.create(method)
                                    .setUri(base + String.format(pathTemplate, runIds.get((int) i)))
                                    .addHeader("Authorization", "Bearer " + key)
                                    .build();
                            try {
                                int status = http.execute(request, answer -> {
                                    EntityUtils.consume(answer.getEntity());
                                    return answer.getCode();
                                });
                                if (status / 100 != 2) {
                                    errors.incrementAndGet();
                                }
                            } catch (IOException e) {
                                errors.incrementAndGet();
                            }
                            long end = System.nanoTime();
                            h.recordValue(Math.min(h.getHighestTrackableValue(), (end - due) / 1000));
                            lastEnd.accumulateAndGet(end, Math::max);
                        }
                    },
                    "open-loop-" + t);
            senders.add(sender);
            sender.start();
        }
        for (Thread sender : senders) {
            sender.join();
        }
        Histogram all = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
        perSender.forEach(all::add);
        return new Outcome(runIds.size(), errors.get(), (lastEnd.get() - start) / 1e9, all);
    }
}
