package io.exprun.server.testing;

import io.exprun.server.admin.AdminCommands;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** One run of the server jar's operator commands (backup, restore) in this JVM: exit status, stdout, stderr. */
public record AdminRun(int status, List<String> out, List<String> err) {

    /** Runs {@code args} with EXPRUN_DB_URL={@code dbUrl} as the only setting. */
    public static AdminRun of(String dbUrl, String... args) {
        return with(Map.of("EXPRUN_DB_URL", dbUrl), args);
    }

    public static AdminRun with(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = AdminCommands.run(
                List.of(args),
                env,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new AdminRun(
                status,
                out.toString(StandardCharsets.UTF_8).lines().toList(),
                err.toString(StandardCharsets.UTF_8).lines().toList());
    }
}
