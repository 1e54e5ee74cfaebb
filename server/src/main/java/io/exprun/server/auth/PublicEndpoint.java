package io.exprun.server.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an operations resource (health, metrics, docs) that is served without a key. Everything not marked, and not a
 * spec operation whose {@code security} is empty, requires a key: see {@link KeyRequiredFeature}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface PublicEndpoint {}
