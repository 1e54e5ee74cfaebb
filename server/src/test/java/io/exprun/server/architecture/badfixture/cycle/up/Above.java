package io.exprun.server.architecture.badfixture.cycle.up;

import io.exprun.server.architecture.badfixture.cycle.down.Below;

/** Negative control for PackageOrderTest: a higher package that uses the lower one, as it should. Never used. */
public interface Above {
    Below below();
}
