package io.exprun.server.domain;

import io.exprun.server.testing.ExprunServerTest;

@ExprunServerTest
class CancelConcurrencyOnSqliteTest extends CancelConcurrencyContractTest {}
