package io.exprun.server.architecture.badfixture.cycle.down;

import io.exprun.server.architecture.badfixture.cycle.up.Above;

/** Negative control for PackageOrderTest: a lower package that reaches back up. Never used. */
public interface Below {
    Above above();
}
