package io.exprun.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

import io.exprun.server.testing.FaultyProxy;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Negative controls of the matrix's released-client direction: each breaking server change fails at least one of
 * the released consumer scenarios; the same proxy forwarding untouched ({@code NONE}) fails none.
 */
class ReleasedClientNegativeControlTest {

    @ParameterizedTest
    @EnumSource(
            value = FaultyProxy.Fault.class,
            names = {"NONE", "RENAMED_FIELD", "REMOVED_VARIANT", "CHANGED_NOT_FOUND_CODE", "NEW_REQUIRED_REQUEST_FIELD"
            })
    void a_breaking_server_change_fails_the_released_client(FaultyProxy.Fault fault) {
        ReleasedClientAgainstABrokenServer.breaking = fault;
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        Launcher launcher = LauncherFactory.create();

        launcher.execute(
                request()
                        .selectors(selectClass(ReleasedClientAgainstABrokenServer.class))
                        .build(),
                listener);

        TestExecutionSummary summary = listener.getSummary();
        String failed = summary.getFailures().stream()
                .map(f -> f.getTestIdentifier().getDisplayName() + " ← "
                        + f.getException().getClass().getSimpleName())
                .collect(Collectors.joining("; "));
        assertThat(summary.getTestsStartedCount())
                .as("the released scenarios ran")
                .isGreaterThan(10);
        if (fault == FaultyProxy.Fault.NONE) {
            assertThat(summary.getTestsFailedCount())
                    .as("the proxy alone breaks nothing: %s", failed)
                    .isZero();
        } else {
            assertThat(summary.getTestsFailedCount())
                    .as("%s must fail a released scenario", fault)
                    .isPositive();
            System.out.printf(
                    "%s failed %d of %d released scenarios: %s%n",
                    fault, summary.getTestsFailedCount(), summary.getTestsStartedCount(), failed);
        }
    }
}
