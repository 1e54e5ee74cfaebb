package io.exprun.contract;

import static io.exprun.contract.PactBodies.AUTH;

import au.com.dius.pact.consumer.MockServer;
import au.com.dius.pact.consumer.dsl.DslPart;
import au.com.dius.pact.consumer.dsl.PactDslRequestWithPath;
import au.com.dius.pact.consumer.dsl.PactDslRequestWithoutPath;
import au.com.dius.pact.consumer.dsl.PactDslResponse;
import au.com.dius.pact.consumer.dsl.PactDslWithProvider;
import io.exprun.client.ExprunClient;
import java.time.Duration;
import java.util.Map;

/**
 * The requests {@code ExprunClient} sends, one method per operation of the contract, as the consumer tests pin them:
 * each takes where the interaction begins (a provider state, or none), its description and what varies (an id, a
 * query, a body) and returns the request, with the tenant's key, ready for any header or query the interaction adds
 * and for {@code willRespondWith()}. So each {@code @Pact} method states only the state, the request's particulars
 * and the answer; and {@link #client(MockServer)} is the client those tests drive, as other services build it.
 */
final class PactOperations {

    static final String RUNS = "/v1/workflows/experiments/runs";
    static final String RESULTS = "/v1/workflows/experiments/results";
    static final String EXPERIMENTS = "/v1/workflows/experiments";

    private static final String KEY = AUTH.substring("Bearer ".length());
    private static final Map<String, String> WITH_KEY = Map.of("Authorization", AUTH);
    private static final Map<String, String> WITH_KEY_AND_JSON =
            Map.of("Authorization", AUTH, "Content-Type", "application/json");

    private PactOperations() {}

    /** Where an interaction begins: its description, in a provider state or in none. */
    @FunctionalInterface
    interface Start {
        PactDslRequestWithoutPath uponReceiving(String description);
    }

    /** An interaction in the provider state {@code state} (a {@code @State} of {@code ProviderStates}). */
    static Start given(PactDslWithProvider pact, String state) {
        return pact.given(state)::uponReceiving;
    }

    /** An interaction that needs no provider state (a request refused, or one that creates what it reads). */
    static Start inAnyState(PactDslWithProvider pact) {
        return pact::uponReceiving;
    }

    /** The next interaction of the same pact, after {@code previous}'s answer, in the provider state {@code state}. */
    static Start thenGiven(PactDslResponse previous, String state) {
        return previous.given(state)::uponReceiving;
    }

    /**
     * An id in a request's path: either one the provider state makes (the {@code ${name}} expression the provider
     * injects when it verifies, the example the consumer test sends) or a fixed one (an id no state makes).
     */
    record PathId(String expression, String example) {

        static PathId fromState(String name, String example) {
            return new PathId("${" + name + "}", example);
        }

        static PathId fixed(String id) {
            return new PathId(null, id);
        }
    }

    // ---- runs -----------------------------------------------------------------------------------

    static PactDslRequestWithPath getRun(Start start, String description, PathId run) {
        return getRunWithoutAKey(start, description, run).headers(WITH_KEY);
    }

    static PactDslRequestWithPath getRunWithoutAKey(Start start, String description, PathId run) {
        return at(start.uponReceiving(description).method("GET"), RUNS, run, "");
    }

    static PactDslRequestWithPath cancelRun(Start start, String description, PathId run) {
        return at(start.uponReceiving(description).method("POST"), RUNS, run, "/cancel")
                .headers(WITH_KEY);
    }

    static PactDslRequestWithPath listRuns(Start start, String description, String query) {
        return start.uponReceiving(description)
                .method("GET")
                .path(RUNS)
                .query(query)
                .headers(WITH_KEY);
    }

    /** A create with the body as the client writes it, and the {@code Idempotency-Key} given (null: none sent). */
    static PactDslRequestWithPath createRun(Start start, String description, String body, String idempotencyKey) {
        return start.uponReceiving(description)
                .method("POST")
                .path(RUNS)
                .headers(idempotencyKey == null ? WITH_KEY_AND_JSON : withIdempotencyKey(idempotencyKey))
                .body(body);
    }

    // ---- results --------------------------------------------------------------------------------

    /** The results of the state's run ({@code run_id} injected from {@code ${runId}}). */
    static PactDslRequestWithPath listResultsOfTheStatesRun(Start start, String description, String query) {
        return start.uponReceiving(description)
                .method("GET")
                .path(RESULTS)
                .query(query)
                .queryParameterFromProviderState("run_id", "${runId}", PactBodies.EXAMPLE_RUN)
                .headers(WITH_KEY);
    }

    static PactDslRequestWithPath getResult(Start start, String description, PathId result) {
        return at(start.uponReceiving(description).method("GET"), RESULTS, result, "")
                .headers(WITH_KEY);
    }

    // ---- experiments ----------------------------------------------------------------------------

    static PactDslRequestWithPath listExperiments(Start start, String description, String query) {
        return start.uponReceiving(description)
                .method("GET")
                .path(EXPERIMENTS)
                .query(query)
                .headers(WITH_KEY);
    }

    /** A create with the {@code Idempotency-Key} given; a null key leaves the header to the interaction. */
    static PactDslRequestWithPath createExperiment(Start start, String description, DslPart body, String key) {
        return createExperiment(start, description, key).body(body);
    }

    static PactDslRequestWithPath createExperiment(Start start, String description, String body, String key) {
        return createExperiment(start, description, key).body(body);
    }

    private static PactDslRequestWithPath createExperiment(Start start, String description, String idempotencyKey) {
        return start.uponReceiving(description)
                .method("POST")
                .path(EXPERIMENTS)
                .headers(idempotencyKey == null ? WITH_KEY_AND_JSON : withIdempotencyKey(idempotencyKey));
    }

    static PactDslRequestWithPath getExperiment(Start start, String description, PathId experiment) {
        return at(start.uponReceiving(description).method("GET"), EXPERIMENTS, experiment, "")
                .headers(WITH_KEY);
    }

    static PactDslRequestWithPath updateExperiment(Start start, String description, PathId experiment, String body) {
        return at(start.uponReceiving(description).method("PATCH"), EXPERIMENTS, experiment, "")
                .headers(WITH_KEY_AND_JSON)
                .body(body);
    }

    static PactDslRequestWithPath deleteExperiment(Start start, String description, PathId experiment) {
        return at(start.uponReceiving(description).method("DELETE"), EXPERIMENTS, experiment, "")
                .headers(WITH_KEY);
    }

    // ---- the client -----------------------------------------------------------------------------

    /**
     * The client other services depend on, as they build it, against Pact's mock server: one attempt, so an
     * interaction answered once is asked once (a test of the retries builds its own).
     */
    static ExprunClient client(MockServer server) {
        return ExprunClient.builder()
                .baseUrl(server.getUrl())
                .apiKey(KEY)
                .retries(1, Duration.ZERO, Duration.ZERO)
                .build();
    }

    /** The tenant's key, as the client is given it. */
    static String apiKey() {
        return KEY;
    }

    private static Map<String, String> withIdempotencyKey(String idempotencyKey) {
        return Map.of("Authorization", AUTH, "Content-Type", "application/json", "Idempotency-Key", idempotencyKey);
    }

    private static PactDslRequestWithPath at(
            PactDslRequestWithoutPath request, String collection, PathId id, String tail) {
        String example = collection + "/" + id.example() + tail;
        return id.expression() == null
                ? request.path(example)
                : request.pathFromProviderState(collection + "/" + id.expression() + tail, example);
    }
}
