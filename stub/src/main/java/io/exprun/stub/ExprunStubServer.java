package io.exprun.stub;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.common.ConsoleNotifier;
import java.util.Objects;

/**
 * A running exprun stub: a WireMock server on loopback answering the whole experiment-runs API in one
 * {@link Scenario} at a time, behind {@link SpecValidatedRequests} (401/404/405/422 as the real server answers them).
 * Switch scenarios with {@link #scenario(Scenario)}; the underlying server is {@link #wireMock()}, for
 * {@code verify(...)} and the request journal.
 *
 * <pre>{@code
 * try (ExprunStubServer stub = ExprunStubServer.start(Scenario.RUN_RUNNING)) {
 *     ExprunClient client = ExprunClient.builder().baseUrl(stub.baseUrl()).apiKey(stub.apiKey()).build();
 *     ...
 * }
 * }</pre>
 */
public final class ExprunStubServer implements AutoCloseable {

    /** The one bearer key the stub accepts unless told otherwise. */
    public static final String DEFAULT_API_KEY = "stub-key";

    private final WireMockServer server;
    private final String apiKey;
    private final ScenarioSwitch scenarios;

    private ExprunStubServer(WireMockServer server, String apiKey, ScenarioSwitch scenarios) {
        this.server = server;
        this.apiKey = apiKey;
        this.scenarios = scenarios;
    }

    /** On a free loopback port, with {@link #DEFAULT_API_KEY}. */
    public static ExprunStubServer start(Scenario scenario) {
        return start("127.0.0.1", 0, DEFAULT_API_KEY, scenario);
    }

    /** @param port 0 for a free one */
    public static ExprunStubServer start(String bindAddress, int port, String apiKey, Scenario scenario) {
        Objects.requireNonNull(apiKey, "apiKey");
        ScenarioSwitch scenarios = new ScenarioSwitch();
        WireMockServer server = new WireMockServer(options()
                .bindAddress(bindAddress)
                .port(port)
                .notifier(new ConsoleNotifier(false))
                .extensions(new SpecValidatedRequests(apiKey), scenarios));
        server.start();
        ExprunStubServer stub = new ExprunStubServer(server, apiKey, scenarios);
        stub.scenario(scenario);
        return stub;
    }

    /**
     * Answers in {@code scenario} from now on. Also forgets earlier requests and scenario state: a run that was
     * cancelled is back to the scenario's initial state.
     */
    public ExprunStubServer scenario(Scenario scenario) {
        scenarios.apply(server, scenario);
        return this;
    }

    /** The scenario answering now (also switchable with {@code POST /__admin/exprun/scenarios/NAME}). */
    public Scenario scenario() {
        return scenarios.current();
    }

    /** {@code http://127.0.0.1:PORT}: the base URL to give the client. */
    public String baseUrl() {
        return "http://"
                + ("0.0.0.0".equals(server.getOptions().bindAddress())
                        ? "127.0.0.1"
                        : server.getOptions().bindAddress())
                + ":" + server.port();
    }

    public int port() {
        return server.port();
    }

    /** The bearer key this stub accepts (any other is answered 401 {@code Invalid API key}). */
    public String apiKey() {
        return apiKey;
    }

    /** The WireMock server underneath: {@code verify(...)}, {@code getAllServeEvents()}, extra stubs of your own. */
    public WireMockServer wireMock() {
        return server;
    }

    @Override
    public void close() {
        if (server.isRunning()) {
            server.stop();
        }
    }
}
