package io.exprun.server.edge;

import io.exprun.server.testing.ExprunServerTest;

/** The request edge on the embedded default, SQLite. */
@ExprunServerTest
class EdgeOnSqliteTest extends EdgeContractTest {}
