package io.exprun.contract;

import au.com.dius.pact.provider.junit5.PactVerificationContext;
import au.com.dius.pact.provider.junit5.PactVerificationInvocationContextProvider;
import au.com.dius.pact.provider.junitsupport.Provider;
import au.com.dius.pact.provider.junitsupport.loader.PactFolder;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Verifies a deliberately wrong pact (expects {@code "status": "canceled"}) against the real server. It MUST fail.
 * Not run on its own (its name matches neither Surefire's nor Failsafe's patterns): ProviderVerificationNegativeControlIT
 * launches it and asserts the failure.
 */
@Provider("exprun-server")
@PactFolder("src/test/resources/negative-pacts")
class CanceledTypoVerification extends ProviderStates {

    @TestTemplate
    @ExtendWith(PactVerificationInvocationContextProvider.class)
    void verify(PactVerificationContext context) {
        context.verifyInteraction();
    }
}
