package io.exprun.example;

import io.exprun.server.testing.FaultyProxy;

/**
 * The released consumer scenarios against a server that makes one breaking change ({@link #breaking}). Not run on
 * its own (its name matches neither Surefire's nor Failsafe's patterns): {@link ReleasedClientNegativeControlTest}
 * launches it once per change and asserts that it fails.
 */
class ReleasedClientAgainstABrokenServer extends ReleasedClientAgainstCurrentServerTest {

    static volatile FaultyProxy.Fault breaking = FaultyProxy.Fault.NONE;

    @Override
    FaultyProxy.Fault fault() {
        return breaking;
    }
}
