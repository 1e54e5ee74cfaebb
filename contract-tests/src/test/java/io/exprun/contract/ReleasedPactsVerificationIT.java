package io.exprun.contract;

import au.com.dius.pact.provider.junit5.PactVerificationContext;
import au.com.dius.pact.provider.junit5.PactVerificationInvocationContextProvider;
import au.com.dius.pact.provider.junitsupport.Provider;
import au.com.dius.pact.provider.junitsupport.loader.PactFolder;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The compatibility matrix, released consumers against the current provider: the pacts the consumers of the latest
 * release published (kept as released under released/pacts, RELEASING.md), replayed against today's server. Pact's
 * "verify what is deployed": a server change that breaks a deployed client of that release fails here, whatever the YAML gate
 * says. {@link ReleasedPactsNegativeControlIT} shows it fails for breaking server changes.
 */
@Provider("exprun-server")
@PactFolder(ReleasedPactsVerificationIT.RELEASED_PACTS)
class ReleasedPactsVerificationIT extends ProviderStates {

    /** The latest release's pacts, relative to this module ({@link ReleasedPactsNegativeControlIT} keeps it so). */
    static final String RELEASED_PACTS = "../released/pacts/0.2.0";

    @TestTemplate
    @ExtendWith(PactVerificationInvocationContextProvider.class)
    void the_current_server_honours_what_released_consumers_expect(PactVerificationContext context) {
        context.verifyInteraction();
    }
}
