package io.exprun.server.domain;

import java.security.SecureRandom;

/**
 * Ids that sort in the order they were made: lists order by (created_at, id), and two creates in one millisecond (a
 * client creating in a loop against the single SQLite writer does) tie on created_at, so the id must break the tie
 * the way the creates happened. The layout is RFC 9562's UUIDv7 (48 bits of Unix milliseconds, version 7, 74 random
 * bits from SecureRandom, so ids stay unguessable), written as 32 lowercase hex digits; within one millisecond, or if
 * the wall clock steps back, the next id is the last one plus one (the RFC's "monotonic random" method), so ids of
 * this process only ever increase. Written here rather than taken from a UUID library because the domain imports
 * the JDK alone (DomainIsolationTest) and the rule is these few lines.
 */
final class TimeOrderedIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long RAND_B = 0x3FFF_FFFF_FFFF_FFFFL;
    private static final long VARIANT = 0x8000_0000_0000_0000L;

    private static long lastMillis = Long.MIN_VALUE;
    private static long high; // unix_ts_ms (48) | ver (4) | rand_a (12)
    private static long low; // var (2) | rand_b (62)

    private TimeOrderedIds() {}

    /** {@code prefix} followed by the next id's 32 hex digits. */
    static synchronized String next(String prefix) {
        long now = System.currentTimeMillis();
        if (now > lastMillis) {
            start(now);
        } else if ((++low & RAND_B) == 0) { // rand_b ran out (not in practice: it starts at a random 62-bit value)
            start(lastMillis + 1);
        }
        return prefix + String.format("%016x%016x", high, low);
    }

    private static void start(long millis) {
        lastMillis = millis;
        high = (millis << 16) | 0x7000L | (RANDOM.nextInt() & 0xFFF);
        low = VARIANT | (RANDOM.nextLong() & RAND_B);
    }
}
