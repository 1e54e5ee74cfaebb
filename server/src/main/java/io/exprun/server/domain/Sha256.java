package io.exprun.server.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256, the one digest exprun uses: API keys are kept as digests, fingerprints are digests. */
public final class Sha256 {

    /** One per thread: looking the algorithm up on every request was 1.5% of a get's CPU (benchmarks archive). */
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    });

    private Sha256() {}

    public static byte[] of(byte[] bytes) {
        return DIGEST.get().digest(bytes); // digest() also resets it for the next use
    }

    public static byte[] of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(of(bytes));
    }

    /** The digest of several strings, each ended by a NUL so that ("ab", "c") and ("a", "bc") differ. */
    public static String hexOfParts(String... parts) {
        MessageDigest sha = DIGEST.get();
        for (String p : parts) {
            sha.update(p.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
