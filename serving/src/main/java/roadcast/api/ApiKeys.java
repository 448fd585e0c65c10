package roadcast.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The API keys that may call {@code /api/*}. Only SHA-256 digests are held, so a key file can be shared with
 * operators without handing out the keys; comparison is constant-time.
 */
public final class ApiKeys {

    private final List<byte[]> digests;

    private ApiKeys(List<byte[]> digests) {
        if (digests.isEmpty()) {
            throw new IllegalArgumentException("at least one API key is required");
        }
        this.digests = List.copyOf(digests);
    }

    public static ApiKeys of(String... keys) {
        List<byte[]> d = new ArrayList<>();
        for (String k : keys) {
            if (k == null || k.isBlank()) {
                throw new IllegalArgumentException("API key must not be blank");
            }
            d.add(sha256(k));
        }
        return new ApiKeys(d);
    }

    /** One SHA-256 hex digest per line; blank lines and lines starting with # are ignored. */
    public static ApiKeys fromFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read API key file " + file + ": " + e.getMessage(), e);
        }
        List<byte[]> d = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (!line.matches("(?i)[0-9a-f]{64}")) {
                throw new IllegalArgumentException(file + ":" + (i + 1)
                    + ": expected a SHA-256 hex digest (64 hex characters), e.g. from `printf %s KEY | sha256sum`");
            }
            d.add(HexFormat.of().parseHex(line.toLowerCase(Locale.ROOT)));
        }
        if (d.isEmpty()) {
            throw new IllegalArgumentException(file + ": no key digests found");
        }
        return new ApiKeys(d);
    }

    /** True when the header is {@code Bearer KEY} with a known key. */
    public boolean accepts(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        String key = authorizationHeader.substring(7).trim();
        if (key.isEmpty()) {
            return false;
        }
        byte[] digest = sha256(key);
        boolean match = false;
        for (byte[] known : digests) {
            match |= MessageDigest.isEqual(known, digest);
        }
        return match;
    }

    public static String sha256Hex(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
