package io.exprun.contract;

import static org.assertj.core.api.Assertions.assertThat;

import au.com.dius.pact.provider.junit5.PactVerificationContext;
import au.com.dius.pact.provider.junit5.PactVerificationInvocationContextProvider;
import au.com.dius.pact.provider.junitsupport.Provider;
import au.com.dius.pact.provider.junitsupport.loader.PactFolder;
import java.util.List;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real server (Jetty + Jersey + SQLite, real HTTP) replays every interaction the consumer tests wrote to
 * target/pacts, each as its own test; and every response it gives is checked against the spec as well.
 * With PACT_BROKER_BASE_URL set, {@code -Dpactbroker.url=$PACT_BROKER_BASE_URL} makes pact-jvm load from the broker.
 */
@Provider("exprun-server")
@PactFolder("target/pacts")
class ProviderVerificationIT extends ProviderStates {

    private static final SpecConformance SPEC = SpecConformance.load();

    @TestTemplate
    @ExtendWith(PactVerificationInvocationContextProvider.class)
    void the_real_server_honours_the_interaction(PactVerificationContext context) {
        context.verifyInteraction();

        List<ResponseRecorder.Exchange> answered = RECORDER.drain();
        assertThat(answered).as("responses recorded for the spec check").isNotEmpty();
        assertThat(answered)
                .allSatisfy(e -> assertThat(SPEC.violations(e.method(), e.path(), e.status(), e.bodyText()))
                        .as("%s %s → %d drifts from openapi/experiment-runs.yaml", e.method(), e.path(), e.status())
                        .isEmpty());
    }
}
