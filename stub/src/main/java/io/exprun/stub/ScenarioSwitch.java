package io.exprun.stub;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.admin.Router;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.Admin;
import com.github.tomakehurst.wiremock.extension.AdminApiExtension;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * Loads a scenario's generated mappings (forgetting earlier requests and scenario state), from Java
 * ({@link ExprunStubServer#scenario(Scenario)}) or over WireMock's admin API, for a stub run with {@code java -jar}:
 * {@code POST /__admin/exprun/scenarios/RUN_COMPLETED}; {@code GET /__admin/exprun/scenarios} names the current one.
 */
final class ScenarioSwitch implements AdminApiExtension {

    private static final Map<Scenario, List<String>> MAPPINGS = new ConcurrentHashMap<>();

    private volatile Scenario current;

    @Override
    public String getName() {
        return "exprun-scenarios";
    }

    @Override
    public void contributeAdminApiRoutes(Router router) {
        router.add(RequestMethod.POST, "/exprun/scenarios/{name}", (admin, serveEvent, pathParams) -> {
            String name = pathParams.get("name").toUpperCase(Locale.ROOT);
            if (Arrays.stream(Scenario.values()).noneMatch(s -> s.name().equals(name))) {
                return json(
                        404,
                        "{\"error\":\"no scenario " + name.replaceAll("[^A-Z0-9_]", "?") + "\",\"scenarios\":" + names()
                                + "}");
            }
            apply(admin, Scenario.valueOf(name));
            return json(200, "{\"scenario\":\"" + name + "\"}");
        });
        router.add(
                RequestMethod.GET,
                "/exprun/scenarios",
                (admin, serveEvent, pathParams) ->
                        json(200, "{\"scenario\":\"" + current + "\",\"scenarios\":" + names() + "}"));
    }

    synchronized void apply(Admin admin, Scenario scenario) {
        admin.resetAll();
        for (String mapping : mappings(scenario)) {
            admin.addStubMapping(StubMapping.buildFrom(mapping));
        }
        current = scenario;
    }

    Scenario current() {
        return current;
    }

    private static List<String> mappings(Scenario scenario) {
        return MAPPINGS.computeIfAbsent(scenario, s -> {
            JsonNode file = StubResources.read(s.resource());
            return StreamSupport.stream(file.path("mappings").spliterator(), false)
                    .map(JsonNode::toString)
                    .toList();
        });
    }

    private static String names() {
        return Arrays.stream(Scenario.values())
                .map(s -> "\"" + s.name() + "\"")
                .collect(Collectors.joining(",", "[", "]"));
    }

    private static com.github.tomakehurst.wiremock.http.ResponseDefinition json(int status, String body) {
        return ResponseDefinitionBuilder.responseDefinition()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(body)
                .build();
    }
}
