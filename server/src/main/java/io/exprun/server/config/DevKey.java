package io.exprun.server.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * The development key used when no EXPRUN_API_KEYS are configured: generated once, kept in
 * {@code <data directory>/dev-api-key} readable by its owner only ({@code rw-------}), and reused by every later
 * start, so a key exported in a shell keeps working across restarts.
 */
public final class DevKey {

    public static final String FILE_NAME = "dev-api-key";
    public static final String TENANT = "dev";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final String key;
    private final Path file;
    private final boolean created;

    private DevKey(String key, Path file, boolean created) {
        this.key = key;
        this.file = file;
        this.created = created;
    }

    /** Reads the key kept in the data directory, or generates and stores one (the directory must exist). */
    public static DevKey loadOrCreate(DataDirectory dir) throws IOException {
        Path file = dir.path().resolve(FILE_NAME);
        if (Files.exists(file)) {
            String key = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!key.isEmpty()) {
                if (DataDirectory.isPosix()
                        && !Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
                    Files.setPosixFilePermissions(file, OWNER_ONLY); // someone widened it: a key is a secret
                }
                return new DevKey(key, file, false);
            }
        }
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String key = "rt_test_" + HexFormat.of().formatHex(random);
        // written under a temporary name with owner-only permissions from the start, then moved into place whole
        Path tmp = DataDirectory.isPosix()
                ? Files.createTempFile(
                        dir.path(), ".dev-api-key-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                : Files.createTempFile(dir.path(), ".dev-api-key-", ".tmp");
        Files.writeString(tmp, key + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return new DevKey(key, file, true);
    }

    public String key() {
        return key;
    }

    public Path file() {
        return file;
    }

    /** True when this start generated the key (false: it was kept from an earlier start). */
    public boolean created() {
        return created;
    }
}
