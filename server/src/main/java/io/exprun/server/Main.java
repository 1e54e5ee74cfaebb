package io.exprun.server;

import io.exprun.server.config.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** Starts exprun from EXPRUN_* environment variables and runs until SIGTERM/Ctrl-C. */
public final class Main {

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        ServerConfig config;
        try {
            config = ServerConfig.fromEnv(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("exprun: " + e.getMessage());
            System.exit(2);
            return;
        }
        String devKey = null;
        if (config.apiKeys().isEmpty()) {
            // no keys configured: a fresh development key, printed once so the person who started it can use it
            byte[] random = new byte[18];
            new SecureRandom().nextBytes(random);
            devKey = "rt_test_" + HexFormat.of().formatHex(random);
            Map<String, String> keys = new LinkedHashMap<>();
            keys.put(devKey, "dev");
            config = config.withApiKeys(keys);
        }
        ExprunServer server = ExprunServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("shutting down");
            server.close();
            stopped.countDown();
        }, "exprun-shutdown"));

        String db = config.isEmbeddedDb() ? "embedded H2 (" + config.dbUrl().split(";")[0] + ")" : "PostgreSQL";
        log.info("exprun listening on {} (database: {}, workers: {})", server.baseUri(), db, config.workers());
        if (devKey != null) {
            System.out.println();
            System.out.println("  exprun is listening on " + server.baseUri());
            System.out.println("  No EXPRUN_API_KEYS set: generated a development key for tenant 'dev':");
            System.out.println("    export EXPRUN_API_KEY=" + devKey);
            System.out.println("    curl -H \"Authorization: Bearer $EXPRUN_API_KEY\" " + server.baseUri()
                    + "v1/workflows/experiments/runs");
            System.out.println();
        } else {
            System.out.println("exprun is listening on " + server.baseUri()
                    + " — authenticate with: Authorization: Bearer <one of the EXPRUN_API_KEYS keys>");
        }
        stopped.await();
    }
}
