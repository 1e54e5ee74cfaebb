package io.exprun.server.work;

import static io.exprun.server.testing.RunFixtures.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;

import io.exprun.server.config.ServerConfig;
import io.exprun.server.domain.LifecycleStatus;
import io.exprun.server.domain.port.RetentionStore.Batch;
import io.exprun.server.store.JdbiRetention;
import io.exprun.server.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The contract on the embedded SQLite, plus its pace: batches queue with the service's writes in its one writer, which
 * interleaves them, so the sweeper never pauses between them (on PostgreSQL it does: {@link RetentionOnPostgresTest}).
 */
class RetentionOnSqliteTest extends RetentionContractTest {
    @Override
    ServerConfig freshConfig() {
        return TestServer.embeddedConfig(0);
    }

    @Test
    void a_backlog_is_deleted_batch_after_batch_without_the_pauses_of_a_sweeper_beside_the_writes() throws Exception {
        for (int i = 0; i < 10; i++) {
            completedAgo(fx.runIn(TENANT_A, LifecycleStatus.COMPLETED), RETENTION.plusDays(i + 1));
        }
        List<Batch> batches = Collections.synchronizedList(new ArrayList<>());
        // an hour's pause after every batch, were the sweeper to pause here
        RetentionSweeper hourly = sweeper(
                POLICY.withBatchSize(4).withBatchPause(Duration.ofHours(1)).withDatabaseShare(0.5),
                (b, took) -> batches.add(b));
        assertThat(new JdbiRetention(server.server().database().sql()).batchesQueueWithWrites())
                .isTrue();

        RetentionSweeper.Sweep sweep = CompletableFuture.supplyAsync(() -> {
                    try {
                        return hourly.sweepOnce();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .get(60, TimeUnit.SECONDS);

        assertThat(sweep.deleted().runs()).isEqualTo(10);
        assertThat(batches).extracting(Batch::runs).containsExactly(4, 4, 2);
    }
}
