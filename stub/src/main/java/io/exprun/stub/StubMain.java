package io.exprun.stub;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar exprun-stub.jar [--port 8080] [--scenario EXAMPLES] [--api-key stub-key] [--bind 127.0.0.1]}:
 * the stub as a process, for consumers that are not on the JVM or not in a test. Stops on SIGTERM / Ctrl-C.
 */
public final class StubMain {

    private StubMain() {}

    public static void main(String[] args) throws InterruptedException {
        int port = 8080;
        String bind = "127.0.0.1";
        String apiKey = ExprunStubServer.DEFAULT_API_KEY;
        Scenario scenario = Scenario.EXAMPLES;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--port" -> port = Integer.parseInt(args[++i]);
                    case "--bind" -> bind = args[++i];
                    case "--api-key" -> apiKey = args[++i];
                    case "--scenario" -> scenario = Scenario.valueOf(args[++i].toUpperCase(java.util.Locale.ROOT));
                    case "-h", "--help" -> {
                        System.out.println(usage());
                        return;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        } catch (RuntimeException e) { // a bad number, a missing value, an unknown scenario or option
            System.err.println("exprun-stub: "
                    + (e instanceof ArrayIndexOutOfBoundsException ? "an option is missing its value" : e.getMessage())
                    + "\n" + usage());
            System.exit(2);
            return;
        }
        ExprunStubServer stub = ExprunStubServer.start(bind, port, apiKey, scenario);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stub.close();
                            stopped.countDown();
                        },
                        "exprun-stub-shutdown"));
        System.out.println("exprun stub listening on " + stub.baseUrl() + " (scenario " + scenario + ", API key "
                + apiKey + "; Ctrl-C stops it)");
        System.out.println("switch scenarios with: curl -X POST " + stub.baseUrl() + "/__admin/exprun/scenarios/NAME");
        stopped.await();
    }

    static String usage() {
        return "usage: java -jar exprun-stub.jar [--port 8080] [--scenario NAME] [--api-key KEY] [--bind 127.0.0.1]\n"
                + "scenarios: "
                + String.join(
                        ", ", Arrays.stream(Scenario.values()).map(Enum::name).toList()) + "\n"
                + "while it runs: POST /__admin/exprun/scenarios/NAME switches, GET /__admin/exprun/scenarios tells";
    }
}
