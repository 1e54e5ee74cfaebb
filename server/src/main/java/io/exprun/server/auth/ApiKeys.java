package io.exprun.server.auth;

import io.exprun.server.domain.Sha256;

import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * API keys and the tenant each belongs to. Only SHA-256 digests of the keys are kept, and a presented key is
 * compared against every one of them with {@link MessageDigest#isEqual}, so the time taken says nothing about
 * which key (or how much of one) matched.
 */
public final class ApiKeys {

    private final Map<byte[], String> tenantByDigest = new LinkedHashMap<>();


    public ApiKeys(Map<String, String> tenantByKey) {
        tenantByKey.forEach((key, tenant) -> {
            if (key.isBlank() || tenant.isBlank()) {
                throw new IllegalArgumentException("API keys and tenants must not be blank");
            }
            tenantByDigest.put(digest(key), tenant);
        });
    }

    /** Parses {@code key1:tenantA,key2:tenantB}. */
    public static Map<String, String> parse(String spec) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String pair : spec.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int colon = pair.lastIndexOf(':');
            if (colon <= 0 || colon == pair.length() - 1) {
                throw new IllegalArgumentException("EXPRUN_API_KEYS entries must look like key:tenant");
            }
            keys.put(pair.substring(0, colon).trim(), pair.substring(colon + 1).trim());
        }
        return keys;
    }

    public Optional<String> tenantFor(String presentedKey) {
        byte[] presented = digest(presentedKey);
        String match = null;
        for (Map.Entry<byte[], String> e : tenantByDigest.entrySet()) {
            if (MessageDigest.isEqual(e.getKey(), presented)) {
                match = e.getValue(); // no early exit: every key is compared
            }
        }
        return Optional.ofNullable(match);
    }

    private static byte[] digest(String key) {
        return Sha256.of(key);
    }
}
