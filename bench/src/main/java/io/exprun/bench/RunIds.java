package io.exprun.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Collects the ids of the caller's runs in one status, oldest first, by paging the list API ({@code after =
 * list_metadata.after} until it is null) and writes them one per line; with {@code --after}, only those created after
 * a run already collected (the benchmark tops its list up that way). Prints how many it wrote. The benchmark pre-creates runs through the API (pending, since the
 * server under test runs no workers) and feeds these ids to the load generators, one distinct run per cancel.
 */
@Command(name = "run-ids", description = "Write the ids of the caller's runs in a status, paging the list API.")
final class RunIds implements Callable<Integer> {

    @Option(names = "--base", required = true, description = "e.g. http://127.0.0.1:8080")
    String base;

    @Option(names = "--key", required = true, description = "API key")
    String key;

    @Option(names = "--status", defaultValue = "pending")
    String status;

    @Option(names = "--out", required = true)
    Path out;

    @Option(names = "--after", description = "only runs after this one (a cursor: the last id collected before)")
    String startAfter;

    @Option(names = "--append", description = "append to --out instead of replacing it")
    boolean append;

    @Override
    public Integer call() throws Exception {
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ObjectMapper json = new ObjectMapper();
        long count = 0;
        String after = startAfter == null || startAfter.isBlank() ? null : startAfter;
        java.nio.file.OpenOption[] mode = append
                ? new java.nio.file.OpenOption[] {
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND
                }
                : new java.nio.file.OpenOption[0];
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8, mode)) {
            do {
                String query = "?status=" + status + "&limit=100&order=asc"
                        + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
                HttpResponse<String> page = http.send(
                        HttpRequest.newBuilder(URI.create(base + "/v1/workflows/experiments/runs" + query))
                                .header("Authorization", "Bearer " + key)
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (page.statusCode() != 200) {
                    System.err.println("list runs answered " + page.statusCode() + ": " + page.body());
                    return 1;
                }
                JsonNode body = json.readTree(page.body());
                for (JsonNode run : body.path("data")) {
                    w.write(run.path("id").asText());
                    w.newLine();
                    count++;
                }
                JsonNode next = body.path("list_metadata").path("after");
                after = next.isNull() || next.isMissingNode() ? null : next.asText();
            } while (after != null);
        }
        System.out.println(count);
        return 0;
    }
}
