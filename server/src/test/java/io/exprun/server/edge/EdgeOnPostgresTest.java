package io.exprun.server.edge;

import static io.exprun.server.testing.ExprunServerTest.Database.POSTGRES;

import io.exprun.server.testing.ExprunServerTest;

/** The request edge on PostgreSQL, which rejects U+0000 in text with an error that once read as an outage (503). */
@ExprunServerTest(database = POSTGRES)
class EdgeOnPostgresTest extends EdgeContractTest {}
