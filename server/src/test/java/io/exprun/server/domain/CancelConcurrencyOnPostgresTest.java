package io.exprun.server.domain;

import static io.exprun.server.testing.ExprunServerTest.Database.POSTGRES;

import io.exprun.server.testing.ExprunServerTest;

@ExprunServerTest(database = POSTGRES)
class CancelConcurrencyOnPostgresTest extends CancelConcurrencyContractTest {}
