package io.exprun.server.ops;

import io.exprun.server.config.DevKey;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** What a person sees once exprun listens: where the API, its docs, contract, health and metrics are, and the key. */
public final class StartupBanner {

    private StartupBanner() {}

    /**
     * @param devKey the development key in use, or null when EXPRUN_API_KEYS are configured
     */
    public static List<String> lines(URI base, String database, DevKey devKey) {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("  exprun is listening on " + base + " (database: " + database + ")");
        lines.add("    API       " + base + "v1/workflows/experiments/runs");
        lines.add("    docs      " + base + "docs   (Swagger UI: read and try the API in a browser)");
        lines.add("    contract  " + base + "openapi.yaml");
        lines.add("    health    " + base + "healthz   (readiness, database included: " + base + "readyz)");
        lines.add("    metrics   " + base + "metrics   (Prometheus)");
        if (devKey != null) {
            lines.add("  No EXPRUN_API_KEYS set: using the development key of tenant '" + DevKey.TENANT + "', "
                    + (devKey.created() ? "generated now" : "kept from an earlier start") + " in " + devKey.file()
                    + " (owner-only):");
            lines.add("    export EXPRUN_API_KEY=" + devKey.key());
            lines.add(
                    "    curl -H \"Authorization: Bearer $EXPRUN_API_KEY\" " + base + "v1/workflows/experiments/runs");
        } else {
            lines.add("  Authenticate with: Authorization: Bearer <one of the EXPRUN_API_KEYS keys>");
        }
        lines.add("");
        return lines;
    }
}
