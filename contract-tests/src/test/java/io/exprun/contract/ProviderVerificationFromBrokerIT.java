package io.exprun.contract;

import static org.assertj.core.api.Assertions.assertThat;

import au.com.dius.pact.provider.junit5.PactVerificationContext;
import au.com.dius.pact.provider.junit5.PactVerificationInvocationContextProvider;
import au.com.dius.pact.provider.junitsupport.Provider;
import au.com.dius.pact.provider.junitsupport.loader.PactBroker;
import au.com.dius.pact.provider.junitsupport.loader.PactBrokerAuth;
import java.util.List;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The same verification as {@link ProviderVerificationIT}, with the pacts taken from the Pact Broker at
 * PACT_BROKER_BASE_URL; results are published back when {@code -Dpact.verifier.publishResults=true}. Runs only when
 * a broker is configured.
 */
@EnabledIfEnvironmentVariable(named = "PACT_BROKER_BASE_URL", matches = ".+")
@Provider("exprun-server")
@PactBroker(url = "${PACT_BROKER_BASE_URL}", authentication = @PactBrokerAuth(token = "${PACT_BROKER_TOKEN:}"))
class ProviderVerificationFromBrokerIT extends ProviderStates {

    private static final SpecConformance SPEC = SpecConformance.load();

    @TestTemplate
    @ExtendWith(PactVerificationInvocationContextProvider.class)
    void the_real_server_honours_the_brokers_pacts(PactVerificationContext context) {
        context.verifyInteraction();

        List<ResponseRecorder.Exchange> answered = RECORDER.drain();
        assertThat(answered).as("responses recorded for the spec check").isNotEmpty();
        assertThat(answered)
                .allSatisfy(e -> assertThat(SPEC.violations(e.method(), e.path(), e.status(), e.bodyText()))
                        .as("%s %s → %d drifts from openapi/experiment-runs.yaml", e.method(), e.path(), e.status())
                        .isEmpty());
    }
}
