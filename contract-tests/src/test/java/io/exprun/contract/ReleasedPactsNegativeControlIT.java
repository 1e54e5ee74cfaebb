package io.exprun.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

import io.exprun.server.testing.FaultyProxy;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Negative controls of the matrix's pact direction: each breaking server change fails the released pacts, while the
 * same proxy forwarding untouched ({@code NONE}) passes them all. The YAML gate plays no part here: these changes
 * would fail a released consumer even if the spec and its baseline had been updated to match.
 */
class ReleasedPactsNegativeControlIT {

    @Test
    void the_pacts_broken_here_are_those_of_the_latest_release() {
        assertThat(ReleasedPactsVerification.RELEASED_PACTS)
                .as("<exprun.latest.release> in the root pom")
                .endsWith("/" + System.getProperty("exprun.latest.release"));
    }

    @Test
    void the_pacts_of_every_supported_release_and_only_those_are_replayed() {
        assertThat(ReleasedPactsVerification.OF_EACH_RELEASE.keySet())
                .as("<exprun.supported.releases> in the root pom")
                .containsExactlyInAnyOrderElementsOf(ReleasedStub.supportedReleases());
        ReleasedPactsVerification.OF_EACH_RELEASE.forEach((release, replays) -> assertThat(
                        replays.getAnnotation(au.com.dius.pact.provider.junitsupport.loader.PactFolder.class)
                                .value())
                .as(replays.getSimpleName())
                .isEqualTo("../released/pacts/" + release));
    }

    @ParameterizedTest
    @EnumSource(
            value = FaultyProxy.Fault.class,
            names = {"NONE", "RENAMED_FIELD", "REMOVED_VARIANT", "CHANGED_NOT_FOUND_CODE", "NEW_REQUIRED_REQUEST_FIELD"
            })
    void a_breaking_server_change_fails_the_released_pacts(FaultyProxy.Fault fault) {
        ReleasedPactsAgainstABrokenServer.fault = fault;
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        Launcher launcher = LauncherFactory.create();

        launcher.execute(
                request()
                        .selectors(selectClass(ReleasedPactsAgainstABrokenServer.class))
                        .build(),
                listener);

        TestExecutionSummary summary = listener.getSummary();
        String failures = summary.getFailures().stream()
                .map(f -> f.getTestIdentifier().getDisplayName() + ": "
                        + f.getException().getMessage().strip())
                .collect(Collectors.joining("\n"));
        assertThat(summary.getTestsStartedCount())
                .as("every released interaction replayed")
                .isGreaterThan(10);
        if (fault == FaultyProxy.Fault.NONE) {
            assertThat(summary.getTestsFailedCount())
                    .as("the proxy alone breaks nothing:\n%s", failures)
                    .isZero();
        } else {
            assertThat(summary.getTestsFailedCount())
                    .as("%s must fail a released interaction", fault)
                    .isPositive();
            System.out.printf(
                    "%s failed %d of %d released interactions: %s%n",
                    fault,
                    summary.getTestsFailedCount(),
                    summary.getTestsStartedCount(),
                    summary.getFailures().stream()
                            .map(f -> f.getTestIdentifier().getDisplayName())
                            .collect(Collectors.joining("; ")));
        }
    }
}
