package io.exprun.contract;

import au.com.dius.pact.provider.junit5.PactVerificationContext;
import au.com.dius.pact.provider.junit5.PactVerificationInvocationContextProvider;
import java.util.Map;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The compatibility matrix, released consumers against the current provider: the pacts the consumers of every
 * supported release published (kept as released under released/pacts, RELEASING.md), replayed against today's
 * server. Pact's "verify what is deployed": a server change that breaks a deployed client of a supported release fails
 * here, whatever the YAML gate says. One class per release ({@link #OF_EACH_RELEASE}), because a pact folder is named
 * in an annotation; {@link ReleasedPactsNegativeControlIT} shows it fails for breaking server changes, and that there
 * is a class for every supported release.
 */
abstract class ReleasedPactsVerification extends ProviderStates {

    /** The latest release's pacts, relative to this module: the negative control's. */
    static final String RELEASED_PACTS = "../released/pacts/0.2.0";

    /** The class that replays each supported release's pacts. */
    static final Map<String, Class<? extends ReleasedPactsVerification>> OF_EACH_RELEASE =
            Map.of("0.1.0", ReleasedPactsOf010IT.class, "0.2.0", ReleasedPactsOf020IT.class);

    @TestTemplate
    @ExtendWith(PactVerificationInvocationContextProvider.class)
    void the_current_server_honours_what_released_consumers_expect(PactVerificationContext context) {
        context.verifyInteraction();
    }
}
