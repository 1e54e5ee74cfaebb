package io.exprun.contract;

import static io.exprun.server.testing.RunFixtures.KEY_A;
import static io.exprun.server.testing.RunFixtures.KEY_B;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.exprun.conformance.ConformanceCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One run of the conformance kit, in this JVM, exactly as its command line (no environment), against a URL with
 * the test tenants' keys; keeps its exit status, console and JSON report (under target/conformance/).
 */
record KitRun(int exit, String console, JsonNode report, Path junitXml) {

    static KitRun against(String baseUrl, String name, String... extra) {
        Path dir = Path.of("target", "conformance");
        Path json = dir.resolve(name + ".json");
        Path xml = dir.resolve(name + ".xml");
        List<String> args = new ArrayList<>(List.of(
                "--base-url",
                baseUrl,
                "--api-key",
                KEY_A,
                "--other-tenant-key",
                KEY_B,
                "--experiment-id",
                "exp_demo",
                "--json",
                json.toString(),
                "--junit-xml",
                xml.toString()));
        if (!List.of(extra).contains("--timeout")) {
            args.addAll(List.of("--timeout", "20s"));
        }
        args.addAll(List.of(extra));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(console, true, StandardCharsets.UTF_8);
        int exit = ConformanceCommand.execute(args.toArray(String[]::new), Map.of(), stream, stream);
        String text = console.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        try {
            JsonNode report = Files.exists(json) ? new ObjectMapper().readTree(json.toFile()) : null;
            return new KitRun(exit, text, report, xml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Names of the checks with this outcome (passed, failed, skipped). */
    List<String> cases(String outcome) {
        List<String> out = new ArrayList<>();
        for (JsonNode c : report.path("cases")) {
            if (outcome.equals(c.path("outcome").asText())) {
                out.add("[" + c.path("category").asText() + "] "
                        + c.path("name").asText() + " :: " + c.path("message").asText());
            }
        }
        return out;
    }

    int passedIn(String category) {
        return report.at("/categories/" + category + "/passed").asInt();
    }
}
