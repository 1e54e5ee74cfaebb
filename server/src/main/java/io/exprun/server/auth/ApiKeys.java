package io.exprun.server.auth;

import io.exprun.server.domain.Sha256;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * API keys and the tenant each belongs to. Only SHA-256 digests of the keys are kept, and a presented key is
 * compared against every one of them with {@link MessageDigest#isEqual}, so the time taken says nothing about
 * which key (or how much of one) matched.
 */
public final class ApiKeys {

    private static final String BEARER = "Bearer ";
    /** Keyed by the digest's bytes: looked up by {@link #flowOf}, walked whole by {@link #tenantFor}. */
    private final Map<ByteBuffer, String> tenantByDigest = new HashMap<>();

    public ApiKeys(Map<String, String> tenantByKey) {
        tenantByKey.forEach((key, tenant) -> {
            if (key.isBlank() || tenant.isBlank()) {
                throw new IllegalArgumentException("API keys and tenants must not be blank");
            }
            tenantByDigest.put(ByteBuffer.wrap(digest(key)), tenant);
        });
    }

    /**
     * The tenant whose queue a request waits in, from its raw {@code Authorization} header, before anything else is
     * done with it: one digest and one hash lookup, so a client hammering with bad keys costs little. Not
     * authentication ({@link BearerAuthFilter} still checks the key, in constant time): a lookup by digest tells a
     * timing observer at most how a digest of their guess compares with a stored one, which says nothing of a key.
     *
     * @return null for a header that is missing, not {@code Bearer} or of no key known here
     */
    public String flowOf(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String key = authorization.substring(BEARER.length()).strip();
        return key.isEmpty() ? null : tenantByDigest.get(ByteBuffer.wrap(digest(key)));
    }

    public Optional<String> tenantFor(String presentedKey) {
        byte[] presented = digest(presentedKey);
        String match = null;
        for (Map.Entry<ByteBuffer, String> e : tenantByDigest.entrySet()) {
            if (MessageDigest.isEqual(e.getKey().array(), presented)) {
                match = e.getValue(); // no early exit: every key is compared
            }
        }
        return Optional.ofNullable(match);
    }

    private static byte[] digest(String key) {
        return Sha256.of(key);
    }
}
