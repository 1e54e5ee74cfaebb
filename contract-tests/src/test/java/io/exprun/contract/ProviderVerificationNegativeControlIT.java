package io.exprun.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** Negative control: the provider verification bites. A pact one letter off ("canceled") must be reported as failing. */
class ProviderVerificationNegativeControlIT {

    @Test
    void the_verifier_rejects_a_pact_expecting_canceled_instead_of_cancelled() {
        LauncherDiscoveryRequest discovery =
                request().selectors(selectClass(CanceledTypoVerification.class)).build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        Launcher launcher = LauncherFactory.create();

        launcher.execute(discovery, listener);

        TestExecutionSummary summary = listener.getSummary();
        assertThat(summary.getTestsStartedCount()).isEqualTo(1);
        assertThat(summary.getTestsFailedCount()).isEqualTo(1);
        Throwable failure = summary.getFailures().get(0).getException();
        assertThat(String.valueOf(failure.getMessage()) + failure).contains("canceled");
    }
}
