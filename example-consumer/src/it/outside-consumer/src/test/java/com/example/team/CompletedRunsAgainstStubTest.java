package com.example.team;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.exprun.client.ExprunClient;
import io.exprun.client.ExprunNotFoundException;
import io.exprun.client.RunLifecycle;
import io.exprun.stub.ExprunStub;
import io.exprun.stub.ExprunStubServer;
import io.exprun.stub.Scenario;
import org.junit.jupiter.api.Test;

/** The stub, as a team pulls it from a repository: a completed run cannot be cancelled. */
@ExprunStub(Scenario.RUN_COMPLETED)
class CompletedRunsAgainstStubTest {

    @Test
    void a_completed_run_reads_completed_and_cannot_be_cancelled(ExprunStubServer stub) {
        ExprunClient client = ExprunClient.builder()
                .baseUrl(stub.baseUrl())
                .apiKey(stub.apiKey())
                .build();

        assertEquals(
                RunLifecycle.Kind.COMPLETED,
                RunLifecycle.of(client.getRun("exprun_42").getLifecycle()).kind());
        ExprunNotFoundException refused = assertThrows(ExprunNotFoundException.class, () -> client.cancel("exprun_42"));
        assertEquals("completed", refused.currentStatus().orElseThrow());
    }
}
