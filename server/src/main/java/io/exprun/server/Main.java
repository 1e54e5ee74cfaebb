package io.exprun.server;

import ch.qos.logback.classic.LoggerContext;
import io.exprun.server.admin.AdminCommands;
import io.exprun.server.config.DataDirectory;
import io.exprun.server.config.DevKey;
import io.exprun.server.config.ServerConfig;
import io.exprun.server.config.StartupFailure;
import io.exprun.server.ops.StartupBanner;
import io.exprun.server.work.BlockExecutor;
import io.exprun.server.work.BlockExecutors;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts exprun from EXPRUN_* environment variables and runs until SIGTERM/Ctrl-C. A start that fails prints what
 * went wrong and what to do in two lines ({@link StartupFailure}) and exits non-zero; the stack trace is logged at
 * DEBUG only (EXPRUN_LOG_LEVEL=DEBUG). With arguments, runs an operator's command instead ({@link AdminCommands}:
 * backup, restore) and exits.
 */
public final class Main {

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {}

    private record Started(ExprunServer server, ServerConfig config, DevKey devKey) {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0) {
            int status = AdminCommands.run(java.util.List.of(args), System.getenv(), System.out, System.err);
            stopLogging();
            System.exit(status);
            return;
        }
        Started started;
        try {
            started = start(System.getenv());
        } catch (StartupFailure failure) {
            failure.lines().forEach(System.err::println);
            log.debug("start-up failed", failure.getCause() != null ? failure.getCause() : failure);
            stopLogging();
            System.exit(failure.exitStatus());
            return;
        }
        ExprunServer server = started.server();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            log.info("shutting down");
                            server.close();
                            stopped.countDown();
                        },
                        "exprun-shutdown"));

        ServerConfig config = started.config();
        String db = config.isSqlite() ? "embedded SQLite (" + config.dbUrl() + ")" : "PostgreSQL";
        log.info("exprun listening on {} (database: {}, workers: {})", server.baseUri(), db, config.workers());
        StartupBanner.lines(server.baseUri(), db, started.devKey()).forEach(System.out::println);
        stopped.await();
    }

    /** Drains the async appender: lines logged just before an exit must not be lost to it. */
    private static void stopLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logging) {
            logging.stop();
        }
    }

    /** Configuration, data directory, key, server: each step's failure becomes a {@link StartupFailure}. */
    private static Started start(Map<String, String> env) {
        ServerConfig config;
        try {
            config = ServerConfig.fromEnv(env);
        } catch (IllegalArgumentException e) {
            throw StartupFailure.invalidSetting(e);
        }
        DataDirectory dataDir = DataDirectory.of(config);
        try {
            DevKey devKey = null;
            if (config.isSqlite() || config.apiKeys().isEmpty()) {
                dataDir.ensureWritable();
            }
            if (config.apiKeys().isEmpty()) {
                devKey = DevKey.loadOrCreate(dataDir);
                config = config.withApiKeys(Map.of(devKey.key(), DevKey.TENANT));
            }
            BlockExecutor executor;
            try {
                executor = BlockExecutors.forConfig(config);
            } catch (IllegalArgumentException e) { // EXPRUN_EXECUTOR names no usable class: a setting to correct
                throw StartupFailure.invalidSetting(e);
            }
            return new Started(ExprunServer.start(config, executor, java.util.List.of()), config, devKey);
        } catch (Exception | LinkageError e) {
            throw StartupFailure.explain(e, config, dataDir);
        }
    }
}
