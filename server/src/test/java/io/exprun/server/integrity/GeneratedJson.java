package io.exprun.server.integrity;

import java.util.Random;

/**
 * JSON text generated from a seeded {@link Random}, over the whole range a client can send: strings of every Unicode
 * plane, written raw or as escapes (surrogate pairs escaped or not), control characters, a rare NUL or unpaired
 * surrogate, numbers of any size and form, and values nested deeper than the parser's limit now and then.
 */
final class GeneratedJson {

    private final Random random;

    GeneratedJson(Random random) {
        this.random = random;
    }

    boolean chance(double p) {
        return random.nextDouble() < p;
    }

    int between(int min, int maxInclusive) {
        return min + random.nextInt(maxInclusive - min + 1);
    }

    /** A length, mostly short, sometimes up to {@code max} and a little over it. */
    int length(int max) {
        double r = random.nextDouble();
        if (r < 0.6) {
            return between(1, Math.min(12, max));
        }
        if (r < 0.9) {
            return between(0, max);
        }
        return between(Math.max(0, max - 2), max + 2);
    }

    /** A JSON string literal of {@code codePoints} characters drawn from every plane. */
    String string(int codePoints) {
        StringBuilder b = new StringBuilder(codePoints + 2).append('"');
        for (int i = 0; i < codePoints; i++) {
            double r = random.nextDouble();
            if (r < 0.55) {
                b.append((char) between('a', 'z'));
            } else if (r < 0.70) {
                append(b, between(0xA0, 0xD7FF)); // the BMP below the surrogates
            } else if (r < 0.78) {
                append(b, between(0xE000, 0xFFFD)); // the BMP above them
            } else if (r < 0.88) {
                append(b, between(0x10000, 0x10FFFF)); // planes 1–16
            } else if (r < 0.93) {
                append(b, between(0x01, 0x1F)); // controls, escaped as JSON requires
            } else if (r < 0.97) {
                append(b, random.nextBoolean() ? '"' : '\\');
            } else {
                b.append(' ');
            }
        }
        if (codePoints > 0
                && chance(0.01)) { // text no database can hold: a NUL, or a surrogate that pairs with nothing
            b.append(random.nextBoolean() ? "\\u0000" : String.format("\\u%04x", between(0xD800, 0xDFFF)));
        }
        return b.append('"').toString();
    }

    /** One code point, raw (as UTF-8 on the wire) or escaped; a pair of surrogates either way as a unit. */
    private void append(StringBuilder b, int cp) {
        if (cp == '"' || cp == '\\') {
            b.append('\\').appendCodePoint(cp);
        } else if (cp < 0x20 && chance(0.3) && "\b\f\n\r\t".indexOf(cp) >= 0) {
            b.append('\\').append("bfnrt".charAt("\b\f\n\r\t".indexOf(cp)));
        } else if (cp < 0x20 || chance(0.1)) {
            for (char c : Character.toChars(cp)) {
                b.append(String.format("\\u%04x", (int) c));
            }
        } else {
            b.appendCodePoint(cp);
        }
    }

    /** A number in any of JSON's forms, from tiny to beyond a double's range. */
    String number() {
        return switch (random.nextInt(9)) {
            case 0 -> String.valueOf(random.nextInt(100));
            case 1 -> String.valueOf(random.nextLong());
            case 2 -> "-0";
            case 3 -> random.nextInt(1000) + "." + random.nextInt(1000);
            case 4 -> "1e" + between(-400, 400);
            case 5 -> "-" + random.nextInt(10) + "." + random.nextInt(100) + "E+" + random.nextInt(30);
            case 6 -> "123456789012345678901234567890";
            case 7 -> "0.1000000000000000055511151231257827";
            default -> "-0.0";
        };
    }

    /** Any JSON value, nested up to {@code depth} more levels. */
    String value(int depth) {
        int kind = depth <= 0 ? random.nextInt(4) : random.nextInt(6);
        return switch (kind) {
            case 0 -> string(length(20));
            case 1 -> number();
            case 2 -> random.nextBoolean() ? "true" : "false";
            case 3 -> "null";
            case 4 -> {
                StringBuilder b = new StringBuilder("[");
                int n = between(0, 4);
                for (int i = 0; i < n; i++) {
                    b.append(i > 0 ? "," : "").append(value(depth - 1));
                }
                yield b.append(']').toString();
            }
            default -> {
                StringBuilder b = new StringBuilder("{");
                int n = between(0, 4);
                for (int i = 0; i < n; i++) {
                    b.append(i > 0 ? "," : "")
                            .append(string(length(8)))
                            .append(':')
                            .append(value(depth - 1));
                }
                yield b.append('}').toString();
            }
        };
    }

    /** Arrays nested {@code levels} deep around a value: past the parser's nesting limit when levels is large. */
    String nested(int levels) {
        return "[".repeat(levels) + "1" + "]".repeat(levels);
    }
}
