package io.exprun.server.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Sha256Test {

    @Test
    void digests_are_sha256() {
        // FIPS 180-2's example: SHA-256("abc")
        assertThat(Sha256.hex("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(Sha256.of("abc")).hasSize(32);
    }

    @Test
    void parts_are_kept_apart_and_the_digest_is_reusable() {
        assertThat(Sha256.hexOfParts("ab", "c")).isNotEqualTo(Sha256.hexOfParts("a", "bc"));
        assertThat(Sha256.hexOfParts("ab", "c")).isEqualTo(Sha256.hexOfParts("ab", "c"));
        assertThat(Sha256.hexOfParts("ab", "c")).isEqualTo(Sha256.hex("ab\0c\0".getBytes(StandardCharsets.UTF_8)));
    }
}
