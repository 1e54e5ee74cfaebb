package io.exprun.server.config;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** The value of {@code EXPRUN_API_KEYS}, read into each key's tenant (auth/ApiKeys keeps only their digests). */
public final class ApiKeyEntries {

    private ApiKeyEntries() {}

    /**
     * Parses {@code key1:tenantA,key2:tenantB}, refusing every value whose meaning an operator could read two ways: an
     * empty list or entry (a stray comma, {@code ','}, a blank value), an entry without exactly one colon, an empty key
     * or tenant, a key with whitespace or control characters (no {@code Authorization} header could carry it), and a
     * key mapped twice, even to the same tenant (which mapping was meant cannot be told). Whitespace around entries,
     * keys and tenants is ignored. The messages name entries by position and never repeat a key.
     *
     * @throws IllegalArgumentException saying what is wrong, without any key in it
     */
    public static Map<String, String> parse(String spec) {
        if (spec.isBlank()) {
            throw new IllegalArgumentException("it is set but empty; unset it to use the development key");
        }
        String[] entries = spec.split(",", -1);
        Map<String, String> keys = new LinkedHashMap<>();
        Map<String, Integer> entryOfKey = new HashMap<>();
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].strip();
            String which = "entry " + (i + 1) + " of " + entries.length;
            if (entry.isEmpty()) {
                throw new IllegalArgumentException(which + " is empty (a stray comma?)");
            }
            int colon = entry.indexOf(':');
            if (colon < 0 || colon != entry.lastIndexOf(':')) {
                throw new IllegalArgumentException(which + " must have exactly one ':' between key and tenant");
            }
            String key = entry.substring(0, colon).strip();
            String tenant = entry.substring(colon + 1).strip();
            if (key.isEmpty() || tenant.isEmpty()) {
                throw new IllegalArgumentException(which + " has an empty " + (key.isEmpty() ? "key" : "tenant"));
            }
            if (key.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))
                    || tenant.codePoints().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException(which + " has whitespace or control characters in its key, or "
                        + "control characters in its tenant");
            }
            Integer earlier = entryOfKey.putIfAbsent(key, i + 1);
            if (earlier != null) {
                throw new IllegalArgumentException("the key of " + which + " is the key of entry " + earlier
                        + " again (" + (tenant.equals(keys.get(key)) ? "for the same tenant" : "for another tenant")
                        + "); each key must be mapped once");
            }
            keys.put(key, tenant);
        }
        return keys;
    }
}
