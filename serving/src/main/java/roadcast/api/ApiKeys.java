package roadcast.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The API keys that may call {@code /api/*}, each with a {@link Role}. Only SHA-256 digests are held, so a key file
 * can be shared with operators without handing out the keys; comparison is constant-time.
 *
 * <p>Keys from a file are reloaded when the file changes ({@link #watch(Duration)}): a removed line revokes its key
 * within one poll, and listeners (the event stream) close what the revoked key opened. A file that no longer parses
 * keeps the previous keys and is logged, so a half-written edit locks nobody out.
 */
public final class ApiKeys implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);

    /** What a key may do: read the network and forecasts, or also read raw dead letters and delete data. */
    public enum Role { READ, ADMIN }

    private record Entry(byte[] digest, Role role) {
    }

    private final Path file;
    private volatile List<Entry> entries;
    private volatile byte[] loadedContent;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile Thread watcher;
    private volatile long reloads;

    private ApiKeys(List<Entry> entries, Path file, byte[] content) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("at least one API key is required");
        }
        this.entries = List.copyOf(entries);
        this.file = file;
        this.loadedContent = content;
    }

    /** Keys given on the command line: the operator's own, so they are admin keys. */
    public static ApiKeys of(String... keys) {
        return of(Role.ADMIN, keys);
    }

    public static ApiKeys of(Role role, String... keys) {
        List<Entry> d = new ArrayList<>();
        for (String k : keys) {
            if (k == null || k.isBlank()) {
                throw new IllegalArgumentException("API key must not be blank");
            }
            d.add(new Entry(sha256(k), role));
        }
        return new ApiKeys(d, null, null);
    }

    /**
     * One key per line: its SHA-256 hex digest, optionally followed by a role ({@code read}, the default, or
     * {@code admin}); blank lines and lines starting with # are ignored.
     */
    public static ApiKeys fromFile(Path file) {
        byte[] content = read(file);
        return new ApiKeys(parse(file, content), file, content);
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read API key file " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<Entry> parse(Path file, byte[] content) {
        String[] lines = new String(content, StandardCharsets.UTF_8).split("\r?\n", -1);
        List<Entry> d = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s+");
            if (fields.length > 2 || !fields[0].matches("(?i)[0-9a-f]{64}")) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected a SHA-256 hex digest (64 hex "
                    + "characters, e.g. from `printf %s KEY | sha256sum`) and optionally a role, read or admin");
            }
            Role role = Role.READ;
            if (fields.length == 2) {
                try {
                    role = Role.valueOf(fields[1].toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": unknown role '" + fields[1]
                        + "', expected read or admin");
                }
            }
            d.add(new Entry(HexFormat.of().parseHex(fields[0].toLowerCase(Locale.ROOT)), role));
        }
        if (d.isEmpty()) {
            throw new IllegalArgumentException(file + ": no key digests found");
        }
        return d;
    }

    /**
     * Polls the key file every {@code every} and swaps in its keys when its content changed. Polling rather than a
     * WatchService: it also sees files replaced by rename (editors, config management) and on network mounts.
     */
    public ApiKeys watch(Duration every) {
        if (file == null || watcher != null) {
            return this;
        }
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(every.toMillis());
                    reloadIfChanged();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.error("API key file {}: {} (keeping the previous keys)", file, e.getMessage());
                }
            }
        }, "api-key-watch");
        t.setDaemon(true);
        watcher = t;
        t.start();
        return this;
    }

    /** Re-reads the key file; true when the keys changed. Listeners run after the swap. */
    public boolean reloadIfChanged() {
        if (file == null) {
            return false;
        }
        byte[] content = read(file);
        if (Arrays.equals(content, loadedContent)) {
            return false;
        }
        List<Entry> parsed = parse(file, content);
        entries = List.copyOf(parsed);
        loadedContent = content;
        reloads++;
        LOG.info("API key file {} reloaded: {} keys", file, parsed.size());
        for (Runnable r : listeners) {
            r.run();
        }
        return true;
    }

    /** Called after every reload, e.g. to close streams of keys that were revoked. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    public long reloads() {
        return reloads;
    }

    /** True when the header is {@code Bearer KEY} with a known key. */
    public boolean accepts(String authorizationHeader) {
        return roleOf(authorizationHeader).isPresent();
    }

    /** The role of the key in a {@code Bearer KEY} header, empty when the header holds no known key. */
    public Optional<Role> roleOf(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String key = authorizationHeader.substring(7).trim();
        if (key.isEmpty()) {
            return Optional.empty();
        }
        byte[] digest = sha256(key);
        Role found = null;
        // every entry is compared, so the time taken does not tell which one matched
        for (Entry known : entries) {
            if (MessageDigest.isEqual(known.digest(), digest) && (found == null || known.role() == Role.ADMIN)) {
                found = known.role();
            }
        }
        return Optional.ofNullable(found);
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

    @Override
    public void close() {
        Thread t = watcher;
        if (t != null) {
            t.interrupt();
        }
    }
}
