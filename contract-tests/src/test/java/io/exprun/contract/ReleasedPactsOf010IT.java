package io.exprun.contract;

import au.com.dius.pact.provider.junitsupport.Provider;
import au.com.dius.pact.provider.junitsupport.loader.PactFolder;

/** The pacts the consumers of 0.1.0 published, replayed against the current server (see {@link ReleasedPactsVerification}). */
@Provider("exprun-server")
@PactFolder("../released/pacts/0.1.0")
class ReleasedPactsOf010IT extends ReleasedPactsVerification {}
