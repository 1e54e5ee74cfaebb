package io.exprun.server.domain;

import java.util.Map;

/** Structured context of a failure (the contract's ErrorDetails); every field may be null. */
public record ErrorInfo(
        String message,
        String stackTrace,
        String blockId,
        String blockName,
        String errorCode,
        Map<String, Object> context) {}
