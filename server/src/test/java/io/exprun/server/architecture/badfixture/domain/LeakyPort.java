package io.exprun.server.architecture.badfixture.domain;

import io.exprun.server.architecture.badfixture.store.SomeAdapter;
import java.sql.Connection;

/** Negative control for DomainIsolationTest: a "domain" class that reaches into JDBC and an adapter. Never used. */
public interface LeakyPort {

    Connection connection();

    SomeAdapter adapter();
}
