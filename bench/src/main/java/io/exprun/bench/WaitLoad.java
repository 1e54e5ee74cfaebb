package io.exprun.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.exprun.server.domain.LifecycleStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code waits}: N clients wait on one run at once with the contract's wait ({@code wait_for=terminal}), each asking
 * again while its answer is not terminal (the time was up), as {@code ExperimentRuns.waitFor} does. Creates the run
 * (through {@code --create-via}, an instance whose workers execute it), then waits through {@code --base}. Prints, as
 * one tab-separated line and in words: the latency from the transition (the run's {@code completed_at}, the database's
 * clock, the same machine's: taken by the statement, so it includes the commit itself) to each client's answer (p50,
 * p99, max, and the first: max − first is the fan-out of the answers alone), the requests per client (mean, max),
 * the server's live threads before the waits and while all of them wait ({@code jvm_threads_live_threads} of
 * {@code --base}'s /metrics), and how many waited at once.
 */
@Command(name = "waits", description = "N clients waiting on one run: latency from its end to each answer.")
final class WaitLoad implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern THREADS = Pattern.compile("(?m)^jvm_threads_live_threads(?:\\{[^}]*})? ([0-9.eE+]+)");
    private static final Pattern WAITS = Pattern.compile("(?m)^exprun_tenant_waits_in_progress\\{[^}]*} ([0-9.eE+]+)");

    @Option(names = "--base", required = true, description = "The instance the clients wait on")
    String base;

    @Option(names = "--create-via", description = "The instance that creates (and executes) the run (default: --base)")
    String createVia;

    @Option(names = "--key", required = true)
    String key;

    @Option(names = "--experiment", defaultValue = "exp_demo")
    String experiment;

    @Option(names = "--clients", defaultValue = "200")
    int clients;

    @Option(names = "--wait-seconds", defaultValue = "60", description = "Each wait's timeout (the contract's at most)")
    int waitSeconds;

    @Override
    public Integer call() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(pool)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        String creator = createVia == null ? base : createVia;
        double threadsBefore = metric(http, THREADS);
        JsonNode run = JSON.readTree(send(
                        http,
                        HttpRequest.newBuilder(URI.create(creator + "/v1/workflows/experiments/runs"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"experiment_id\":\"" + experiment + "\"}")))
                .body());
        String runId = run.path("id").asText();
        AtomicInteger requests = new AtomicInteger();
        List<CompletableFuture<long[]>> answers = new ArrayList<>(); // {received epoch ms, completed_at ms, requests}
        for (int i = 0; i < clients; i++) {
            answers.add(waitUntilEnded(http, runId, requests, new int[1]));
        }
        double waiting = 0;
        double threadsDuring = 0;
        for (int tries = 0; tries < 600 && waiting < clients && !answers.get(0).isDone(); tries++) {
            Thread.sleep(50); // a probe of a remote server's gauges, not an ordering of this program's threads
            waiting = metric(http, WAITS);
            threadsDuring = Math.max(threadsDuring, metric(http, THREADS));
        }
        Histogram latency = new Histogram(3_600_000L, 3);
        int maxRequests = 0;
        for (CompletableFuture<long[]> a : answers) {
            long[] r = a.get();
            latency.recordValue(Math.max(0, r[0] - r[1]));
            maxRequests = Math.max(maxRequests, (int) r[2]);
        }
        double meanRequests = (double) requests.get() / clients;
        System.out.printf(
                "%d\t%d\t%d\t%d\t%.2f\t%d\t%.0f\t%.0f\t%.0f\t%d%n",
                clients,
                latency.getValueAtPercentile(50),
                latency.getValueAtPercentile(99),
                latency.getMaxValue(),
                meanRequests,
                maxRequests,
                threadsBefore,
                threadsDuring,
                waiting,
                latency.getMinValue());
        System.err.printf(
                "%d clients waited on %s: from its end (completed_at) to each answer first %d ms, p50 %d ms, p99 %d ms, "
                        + "max %d ms; requests per client %.2f (max %d); server threads %.0f before, %.0f while %.0f "
                        + "waited%n",
                clients,
                runId,
                latency.getMinValue(),
                latency.getValueAtPercentile(50),
                latency.getValueAtPercentile(99),
                latency.getMaxValue(),
                meanRequests,
                maxRequests,
                threadsBefore,
                threadsDuring,
                waiting);
        pool.shutdownNow();
        return 0;
    }

    /** One client: waits, and waits again while the answer is not terminal. */
    private CompletableFuture<long[]> waitUntilEnded(HttpClient http, String runId, AtomicInteger total, int[] mine) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/workflows/experiments/runs/" + runId
                        + "?wait_for=terminal&timeout=" + waitSeconds + "s"))
                .header("Authorization", "Bearer " + key)
                .timeout(Duration.ofSeconds(waitSeconds + 30L))
                .GET()
                .build();
        total.incrementAndGet();
        mine[0]++;
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenCompose(r -> {
            long received = System.currentTimeMillis();
            JsonNode body;
            try {
                body = JSON.readTree(r.body());
            } catch (Exception e) {
                throw new IllegalStateException("not JSON: " + r.statusCode() + " " + r.body(), e);
            }
            String status = body.at("/lifecycle/status").asText();
            if (LifecycleStatus.fromWire(status).map(LifecycleStatus::isActive).orElse(true)) {
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("wait answered " + r.statusCode() + ": " + r.body());
                }
                return waitUntilEnded(http, runId, total, mine);
            }
            long completed =
                    Instant.parse(body.at("/timing/completed_at").asText()).toEpochMilli();
            return CompletableFuture.completedFuture(new long[] {received, completed, mine[0]});
        });
    }

    private double metric(HttpClient http, Pattern pattern) throws Exception {
        String text = http.send(
                        HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher m = pattern.matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private HttpResponse<String> send(HttpClient http, HttpRequest.Builder request) throws Exception {
        HttpResponse<String> r = http.send(
                request.header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(r.statusCode() + " " + r.body());
        }
        return r;
    }
}
