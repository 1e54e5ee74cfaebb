package io.exprun.contract;

import au.com.dius.pact.provider.junit5.HttpTestTarget;
import au.com.dius.pact.provider.junit5.PactVerificationContext;
import au.com.dius.pact.provider.junit5.PactVerificationInvocationContextProvider;
import au.com.dius.pact.provider.junitsupport.Provider;
import au.com.dius.pact.provider.junitsupport.loader.PactFolder;
import io.exprun.server.testing.FaultyProxy;
import io.exprun.server.testing.RunFixtures;
import java.io.IOException;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The released pacts replayed against the current server behind a {@link FaultyProxy} that makes one breaking change
 * ({@link #fault}). Not run on its own (its name matches neither Surefire's nor Failsafe's patterns):
 * {@link ReleasedPactsNegativeControlIT} launches it once per fault and asserts that it fails.
 */
@Provider("exprun-server")
@PactFolder(ReleasedPactsVerification.RELEASED_PACTS)
class ReleasedPactsAgainstABrokenServer extends ProviderStates {

    /** The breaking change to make; set by the negative control before it launches this class. */
    static volatile FaultyProxy.Fault fault = FaultyProxy.Fault.NONE;

    private static FaultyProxy proxy;

    @BeforeAll
    static void startProxy() throws IOException {
        proxy = new FaultyProxy(server.baseUri(), fault, RunFixtures.KEY_A);
    }

    @AfterAll
    static void stopProxy() {
        proxy.close();
    }

    @Override
    @BeforeEach
    void target(PactVerificationContext context) {
        URI proxied = URI.create(proxy.baseUrl());
        context.setTarget(new HttpTestTarget(proxied.getHost(), proxied.getPort()));
    }

    @TestTemplate
    @ExtendWith(PactVerificationInvocationContextProvider.class)
    void verify(PactVerificationContext context) {
        context.verifyInteraction();
    }
}
