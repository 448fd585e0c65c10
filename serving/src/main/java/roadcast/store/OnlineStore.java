package roadcast.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import roadcast.forecast.Forecast;
import roadcast.topics.ForecastWire;
import roadcast.topics.WireFormatException;
import roadcast.reading.Source;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The serving side's memory: latest observation and forecast per segment and a rolling history of both, in RocksDB.
 *
 * <p>Column families: {@code latest_observation} and {@code latest_forecast} (key = segment id),
 * {@code observations} (key = segment, time, source; value = speed) and {@code forecasts} (key = segment, issuedAt;
 * value = the forecast's wire JSON), {@code dead_letters} (key = rejectedAt, topic, partition, offset) and
 * {@code positions} (key = topic, partition; value = next offset). A {@link StoreBatch} is written as one synced
 * WriteBatch, positions included, so a kill -9 loses nothing acknowledged and a restart re-reads nothing twice;
 * history keys are deterministic, so even a replayed record overwrites itself instead of duplicating.
 *
 * <p>Thread-safe for one writer (the topic follower) and any number of readers (HTTP handlers).
 */
public final class OnlineStore implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Event times remembered for the high-water mark: several steps of a city network. */
    static final int RECENT_TIMES = 4096;
    /** Fewer recent times than this decide nothing: e.g. one segment's two latest values after a restart. */
    static final int MIN_RECENT_TIMES = 32;
    /** The quantile of recent times taken as the high-water mark: 10% of them must agree to move it. */
    static final double HIGH_WATER_QUANTILE = 0.9;
    private static final String[] FAMILIES = {
        "default", "latest_observation", "latest_forecast", "observations", "forecasts", "dead_letters", "positions"};

    private final Path dir;
    private final Duration retention;
    private RocksDB db;
    private DBOptions dbOptions;
    private ColumnFamilyOptions cfOptions;
    private List<ColumnFamilyHandle> handles;
    private ColumnFamilyHandle latestObservation;
    private ColumnFamilyHandle latestForecast;
    private ColumnFamilyHandle observations;
    private ColumnFamilyHandle forecasts;
    private ColumnFamilyHandle deadLetters;
    private ColumnFamilyHandle positions;
    private final WriteOptions syncWrite;
    /**
     * Readers and writers hold the read lock; only {@link #reopen()} takes the write lock, to swap the database under
     * them. RocksDB keeps a failed write-ahead-log append (disk full, file-size limit) as a fatal background error:
     * every later write fails with it even once the disk is writable again, and rocksdbjni has no DB::Resume. So a
     * write after a failed one first reopens the store (replaying its write-ahead log), and the follower's retry of
     * the same batch from the stored positions loses nothing.
     */
    private final java.util.concurrent.locks.ReentrantReadWriteLock lifecycle =
        new java.util.concurrent.locks.ReentrantReadWriteLock();
    private volatile boolean writeFailed;
    private boolean closed;
    /**
     * Expiry is relative to the data, so that a replay of 2012 data is not expired at once; but not to the newest time
     * ever seen, which one far-future record would set. The high-water mark is a high quantile of the most recent
     * event times (ring buffer), so a few outliers among them cannot move it.
     */
    private final long[] recentTimes = new long[RECENT_TIMES];
    private int recentCount;
    private int recentNext;
    private final java.util.concurrent.atomic.AtomicLong corruptSkipped = new java.util.concurrent.atomic.AtomicLong();

    private OnlineStore(Path dir, Duration retention) {
        this.dir = dir;
        this.retention = retention;
        RocksDB.loadLibrary();
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new StoreException("cannot open online store " + dir + ": " + e.getMessage(), e);
        }
        openDb();
        syncWrite = new WriteOptions().setSync(true);
        // seeds: every segment's latest times (a far-future record is one segment's latest, so one seed of many)
        for (Observation o : latestObservations()) {
            noteTime(o.timeMillis());
        }
        for (Forecast f : latestForecasts()) {
            noteTime(f.issuedAt());
        }
    }

    /** Opens the database and its column families into the fields (constructor, {@link #reopen()}). */
    private void openDb() {
        // a small WAL ceiling forces memtable flushes, so a week of history is not kept twice (WAL + SST)
        DBOptions options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
            .setMaxTotalWalSize(64L << 20);
        // history values are JSON with repeated field names: LZ4 on every level, ZSTD at the bottom
        ColumnFamilyOptions families = new ColumnFamilyOptions().setCompressionType(CompressionType.LZ4_COMPRESSION)
            .setBottommostCompressionType(CompressionType.ZSTD_COMPRESSION);
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (String name : FAMILIES) {
            descriptors.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8), families));
        }
        List<ColumnFamilyHandle> opened = new ArrayList<>();
        try {
            db = RocksDB.open(options, dir.toString(), descriptors, opened);
        } catch (RocksDBException e) {
            options.close();
            families.close();
            String hint = String.valueOf(e.getMessage()).contains("LOCK")
                ? " (is another roadcast serve using this store?)" : "";
            throw new StoreException("cannot open online store " + dir + ": " + e.getMessage() + hint, e);
        }
        dbOptions = options;
        cfOptions = families;
        handles = opened;
        latestObservation = handles.get(1);
        latestForecast = handles.get(2);
        observations = handles.get(3);
        forecasts = handles.get(4);
        deadLetters = handles.get(5);
        positions = handles.get(6);
    }

    /** Closes the database and its handles (not the write options); the fields stay until the next open. */
    private void closeDb() {
        for (ColumnFamilyHandle h : handles) {
            h.close();
        }
        db.close();
        dbOptions.close();
        cfOptions.close();
    }

    /**
     * After a failed write: closes and opens the database again, waiting for readers to finish. RocksDB replays its
     * write-ahead log, which holds every write that succeeded; the failed one was never acknowledged.
     */
    private void reopen() {
        lifecycle.writeLock().lock();
        try {
            if (!writeFailed || closed) {
                return;
            }
            try {
                closeDb();
            } catch (RuntimeException e) {
                // a database in a fatal error state may not close cleanly; its files are what matters
            }
            openDb();
            writeFailed = false;
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /** Runs {@code body} under the read lock: the database is not swapped meanwhile. */
    private <T> T reading(java.util.function.Supplier<T> body) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new StoreException("online store " + dir + " is closed", null);
            }
            return body.get();
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Opens (creating if needed) the store in {@code dir}; history older than {@code retention} is swept away. */
    public static OnlineStore open(Path dir, Duration retention) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive, got " + retention);
        }
        return new OnlineStore(dir, retention);
    }

    public Path directory() {
        return dir;
    }

    public Duration retention() {
        return retention;
    }

    /** Writes the batch atomically and durably (WAL fsync) before returning. */
    public void write(StoreBatch batch) {
        if (batch.isEmpty()) {
            return;
        }
        if (writeFailed) {
            reopen();
        }
        reading(() -> {
            writeLocked(batch);
            return null;
        });
    }

    private void writeLocked(StoreBatch batch) {
        try (WriteBatch wb = new WriteBatch()) {
            // newest per segment within the batch first, then compare once with what is stored
            Map<String, Observation> newestObs = new HashMap<>();
            for (Observation o : batch.observations) {
                byte[] key = StoreKeys.segmentTime(o.segment(), o.timeMillis(), 1);
                key[key.length - 1] = (byte) o.source().ordinal();
                wb.put(observations, key, StoreKeys.longBytes(Double.doubleToLongBits(o.speed())));
                newestObs.merge(o.segment(), o, (a, b) -> b.timeMillis() >= a.timeMillis() ? b : a);
            }
            for (Observation o : newestObs.values()) {
                Optional<Observation> stored = latestObservation(o.segment());
                if (stored.isEmpty() || stored.get().timeMillis() <= o.timeMillis()) {
                    wb.put(latestObservation, StoreKeys.utf8(o.segment()), encodeObservation(o));
                }
            }
            Map<String, Forecast> newestFc = new HashMap<>();
            for (Forecast f : batch.forecasts) {
                byte[] value = ForecastWire.write(f).getBytes(StandardCharsets.UTF_8);
                wb.put(forecasts, StoreKeys.segmentTime(f.segment(), f.issuedAt(), 0), value);
                newestFc.merge(f.segment(), f, (a, b) -> b.issuedAt() >= a.issuedAt() ? b : a);
            }
            for (Forecast f : newestFc.values()) {
                Optional<Forecast> stored = latestForecast(f.segment());
                if (stored.isEmpty() || stored.get().issuedAt() <= f.issuedAt()) {
                    wb.put(latestForecast, StoreKeys.utf8(f.segment()), ForecastWire.write(f).getBytes(StandardCharsets.UTF_8));
                }
            }
            for (DeadLetter d : batch.deadLetters) {
                wb.put(deadLetters, deadLetterKey(d), JSON.writeValueAsBytes(d));
            }
            for (PartitionPosition p : batch.positions.values()) {
                wb.put(positions, positionKey(p.topic(), p.partition()), StoreKeys.longBytes(p.nextOffset()));
            }
            db.write(syncWrite, wb);
            batch.observations.forEach(o -> noteTime(o.timeMillis()));
            batch.forecasts.forEach(f -> noteTime(f.issuedAt()));
        } catch (RocksDBException | com.fasterxml.jackson.core.JsonProcessingException e) {
            writeFailed = e instanceof RocksDBException;
            throw new StoreException("write to online store " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /** Offsets stored with the data: where the follower resumes after a restart. */
    public List<PartitionPosition> positions() {
        return reading(() -> positionsLocked());
    }

    private List<PartitionPosition> positionsLocked() {
        List<PartitionPosition> out = new ArrayList<>();
        try (RocksIterator it = db.newIterator(positions)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] k = it.key();
                ByteBuffer b = ByteBuffer.wrap(k);
                int topicLength = k.length - 1 - Integer.BYTES;
                String topic = new String(k, 0, topicLength, StandardCharsets.UTF_8);
                int partition = b.getInt(topicLength + 1);
                out.add(new PartitionPosition(topic, partition, StoreKeys.longOf(it.value())));
            }
            checkStatus(it, "positions");
        }
        return out;
    }

    public Optional<Observation> latestObservation(String segment) {
        return reading(() -> latestObservationLocked(segment));
    }

    private Optional<Observation> latestObservationLocked(String segment) {
        byte[] v = get(latestObservation, StoreKeys.utf8(segment));
        return v == null ? Optional.empty() : Optional.ofNullable(decodeObservation(segment, v));
    }

    public Optional<Forecast> latestForecast(String segment) {
        return reading(() -> latestForecastLocked(segment));
    }

    private Optional<Forecast> latestForecastLocked(String segment) {
        byte[] v = get(latestForecast, StoreKeys.utf8(segment));
        return v == null ? Optional.empty() : Optional.ofNullable(decodeForecast(v));
    }

    public List<Observation> latestObservations() {
        return reading(() -> latestObservationsLocked());
    }

    private List<Observation> latestObservationsLocked() {
        List<Observation> out = new ArrayList<>();
        try (RocksIterator it = db.newIterator(latestObservation)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                Observation o = decodeObservation(StoreKeys.string(it.key()), it.value());
                if (o != null) {
                    out.add(o);
                }
            }
            checkStatus(it, "latest observations");
        }
        return out;
    }

    public List<Forecast> latestForecasts() {
        return reading(() -> latestForecastsLocked());
    }

    private List<Forecast> latestForecastsLocked() {
        List<Forecast> out = new ArrayList<>();
        try (RocksIterator it = db.newIterator(latestForecast)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                Forecast f = decodeForecast(it.value());
                if (f != null) {
                    out.add(f);
                }
            }
            checkStatus(it, "latest forecasts");
        }
        return out;
    }

    /**
     * Stored values that could not be decoded since the store opened (a disk fault, a foreign writer): they are
     * skipped and counted rather than failing the open or every request that touches them.
     */
    public long corruptValuesSkipped() {
        return corruptSkipped.get();
    }

    /** An iterator that stops early may have hit an I/O error or corruption: never serve that as "no more data". */
    private void checkStatus(RocksIterator it, String what) {
        try {
            it.status();
        } catch (RocksDBException e) {
            throw new StoreException("reading " + what + " from " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /** Every segment id the store has seen, sorted. */
    public List<String> segmentIds() {
        return reading(() -> segmentIdsLocked());
    }

    private List<String> segmentIdsLocked() {
        TreeSet<String> ids = new TreeSet<>();
        for (ColumnFamilyHandle cf : new ColumnFamilyHandle[] {latestObservation, latestForecast}) {
            try (RocksIterator it = db.newIterator(cf)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    ids.add(StoreKeys.string(it.key()));
                }
                checkStatus(it, "segment ids");
            }
        }
        return new ArrayList<>(ids);
    }

    /** Observations of one segment with {@code from <= time <= to}, in time order. */
    public List<Observation> observations(String segment, long fromMillis, long toMillis) {
        return reading(() -> observationsLocked(segment, fromMillis, toMillis));
    }

    private List<Observation> observationsLocked(String segment, long fromMillis, long toMillis) {
        List<Observation> out = new ArrayList<>();
        int idBytes = StoreKeys.utf8(segment).length;
        Source[] sources = Source.values();
        scan(observations, segment, fromMillis, toMillis, (key, value) -> {
            int source = key[key.length - 1];
            if (value.length != Long.BYTES || key.length != idBytes + 1 + Long.BYTES + 1 || source < 0
                || source >= sources.length) {
                corruptSkipped.incrementAndGet();
                return;
            }
            out.add(new Observation(segment, StoreKeys.timeOf(key, idBytes),
                Double.longBitsToDouble(StoreKeys.longOf(value)), sources[source]));
        });
        return out;
    }

    /** Forecasts of one segment issued with {@code from <= issuedAt <= to}, in issue order. */
    public List<Forecast> forecastsIssued(String segment, long fromMillis, long toMillis) {
        return reading(() -> forecastsIssuedLocked(segment, fromMillis, toMillis));
    }

    private List<Forecast> forecastsIssuedLocked(String segment, long fromMillis, long toMillis) {
        List<Forecast> out = new ArrayList<>();
        scan(forecasts, segment, fromMillis, toMillis, (key, value) -> {
            Forecast f = decodeForecast(value);
            if (f != null) {
                out.add(f);
            }
        });
        return out;
    }

    /** The most recent dead letters, newest first. */
    public List<DeadLetter> deadLetters(int limit) {
        return reading(() -> deadLettersLocked(limit));
    }

    private List<DeadLetter> deadLettersLocked(int limit) {
        List<DeadLetter> out = new ArrayList<>();
        try (RocksIterator it = db.newIterator(deadLetters)) {
            for (it.seekToLast(); it.isValid() && out.size() < limit; it.prev()) {
                try {
                    out.add(JSON.readValue(it.value(), DeadLetter.class));
                } catch (java.io.IOException e) {
                    corruptSkipped.incrementAndGet();
                }
            }
            checkStatus(it, "dead letters");
        }
        return out;
    }

    /** Number of history entries (observations, forecasts, dead letters): for metrics and tests. */
    public long[] historyCounts() {
        return reading(() -> historyCountsLocked());
    }

    private long[] historyCountsLocked() {
        long[] counts = new long[3];
        ColumnFamilyHandle[] cfs = {observations, forecasts, deadLetters};
        for (int i = 0; i < cfs.length; i++) {
            try (RocksIterator it = db.newIterator(cfs[i])) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    counts[i]++;
                }
                checkStatus(it, "history counts");
            }
        }
        return counts;
    }

    private synchronized void noteTime(long timeMillis) {
        recentTimes[recentNext] = timeMillis;
        recentNext = (recentNext + 1) % RECENT_TIMES;
        recentCount = Math.min(recentCount + 1, RECENT_TIMES);
    }

    /**
     * The data's current time as far as expiry is concerned: the {@value #HIGH_WATER_QUANTILE} quantile of the last
     * {@value #RECENT_TIMES} stored event times, or {@code Long.MIN_VALUE} while fewer than
     * {@value #MIN_RECENT_TIMES} are known.
     */
    public synchronized long highWaterMillis() {
        if (recentCount < MIN_RECENT_TIMES) {
            return Long.MIN_VALUE;
        }
        long[] sorted = java.util.Arrays.copyOf(recentTimes, recentCount);
        java.util.Arrays.sort(sorted);
        return sorted[(int) Math.floor(HIGH_WATER_QUANTILE * (recentCount - 1))];
    }

    /**
     * Deletes history older than the retention, measured back from the high-water mark of the data
     * ({@link #highWaterMillis()}; not the wall clock, so that replayed historical data survives, and not the maximum,
     * so that one far-future record deletes nothing). One DeleteRange per segment and family: cheap tombstones
     * that compaction later drops. Returns the cut-off used, or {@code Long.MIN_VALUE} when there was nothing to do.
     */
    public long sweep() {
        return reading(() -> sweepLocked());
    }

    private long sweepLocked() {
        try {
            // dead letters are stamped with the wall clock when rejected, so they expire by the wall clock
            long deadCutoff = System.currentTimeMillis() - retention.toMillis();
            db.deleteRange(deadLetters, StoreKeys.longBytes(Long.MIN_VALUE ^ Long.MIN_VALUE),
                StoreKeys.longBytes(deadCutoff ^ Long.MIN_VALUE));
            long high = highWaterMillis();
            if (high < Long.MIN_VALUE + retention.toMillis()) {
                return Long.MIN_VALUE;
            }
            long cutoff = high - retention.toMillis();
            for (String segment : segmentIds()) {
                byte[] begin = StoreKeys.segmentTime(segment, Long.MIN_VALUE, 0);
                byte[] end = StoreKeys.segmentTime(segment, cutoff, 0);
                db.deleteRange(observations, begin, end);
                db.deleteRange(forecasts, begin, end);
            }
            return cutoff;
        } catch (RocksDBException e) {
            throw new StoreException("retention sweep of " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Deletes everything stored about one segment: its history, its latest values and the dead letters whose payload
     * names it.
     */
    public synchronized PurgeResult purgeSegment(String segment) {
        return reading(() -> purgeSegmentLocked(segment));
    }

    private PurgeResult purgeSegmentLocked(String segment) {
        if (segment == null || segment.isEmpty() || segment.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("segment id must be non-empty and without NUL characters");
        }
        try (WriteBatch wb = new WriteBatch()) {
            byte[] begin = StoreKeys.segmentTime(segment, Long.MIN_VALUE, 0);
            byte[] end = segmentEnd(segment);
            long obs = countRange(observations, begin, end);
            long fc = countRange(forecasts, begin, end);
            wb.deleteRange(observations, begin, end);
            wb.deleteRange(forecasts, begin, end);
            long latest = 0;
            for (ColumnFamilyHandle cf : new ColumnFamilyHandle[] {latestObservation, latestForecast}) {
                if (db.get(cf, StoreKeys.utf8(segment)) != null) {
                    wb.delete(cf, StoreKeys.utf8(segment));
                    latest++;
                }
            }
            String quoted = JSON.writeValueAsString(segment);
            long dead = deleteDeadLettersWhere(wb, d -> d.payload() != null
                && d.payload().replace(" ", "").contains("\"segment\":" + quoted));
            db.write(syncWrite, wb);
            compact(observations, forecasts, latestObservation, latestForecast, deadLetters);
            return new PurgeResult("segment " + segment, obs, fc, latest, dead);
        } catch (RocksDBException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new StoreException("purge of segment " + segment + " in " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Deletes every observation from one source; a segment's latest observation becomes its newest remaining one
     * from another source (or none). Forecasts are not by source and stay.
     */
    public synchronized PurgeResult purgeSource(Source source) {
        return reading(() -> purgeSourceLocked(source));
    }

    private PurgeResult purgeSourceLocked(Source source) {
        try (WriteBatch wb = new WriteBatch(); RocksIterator it = db.newIterator(observations)) {
            long obs = 0;
            java.util.Set<String> touched = new TreeSet<>();
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] k = it.key();
                if (k[k.length - 1] == (byte) source.ordinal()) {
                    wb.delete(observations, k);
                    touched.add(StoreKeys.segmentOf(k));
                    obs++;
                }
            }
            checkStatus(it, "observations");
            db.write(syncWrite, wb);
            long latest = 0;
            try (WriteBatch fix = new WriteBatch()) {
                for (Observation o : latestObservations()) {
                    if (o.source() != source) {
                        continue;
                    }
                    latest++;
                    List<Observation> rest = observations(o.segment(), Long.MIN_VALUE, Long.MAX_VALUE);
                    if (rest.isEmpty()) {
                        fix.delete(latestObservation, StoreKeys.utf8(o.segment()));
                    } else {
                        fix.put(latestObservation, StoreKeys.utf8(o.segment()), encodeObservation(rest.get(rest.size() - 1)));
                    }
                }
                db.write(syncWrite, fix);
            }
            long dead = 0; // dead letters failed before any source was known
            compact(observations, latestObservation);
            return new PurgeResult("source " + source.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                obs, 0, latest, dead);
        } catch (RocksDBException e) {
            throw new StoreException("purge of source " + source + " in " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Deletes history with event times before {@code beforeMillis}, latest values older than it, and dead letters
     * rejected before it.
     */
    public synchronized PurgeResult purgeBefore(long beforeMillis) {
        return reading(() -> purgeBeforeLocked(beforeMillis));
    }

    private PurgeResult purgeBeforeLocked(long beforeMillis) {
        try (WriteBatch wb = new WriteBatch()) {
            long obs = 0;
            long fc = 0;
            for (String segment : segmentIdsInHistory()) {
                byte[] begin = StoreKeys.segmentTime(segment, Long.MIN_VALUE, 0);
                byte[] end = StoreKeys.segmentTime(segment, beforeMillis, 0);
                obs += countRange(observations, begin, end);
                fc += countRange(forecasts, begin, end);
                wb.deleteRange(observations, begin, end);
                wb.deleteRange(forecasts, begin, end);
            }
            long latest = 0;
            for (Observation o : latestObservations()) {
                if (o.timeMillis() < beforeMillis) {
                    wb.delete(latestObservation, StoreKeys.utf8(o.segment()));
                    latest++;
                }
            }
            for (Forecast f : latestForecasts()) {
                if (f.issuedAt() < beforeMillis) {
                    wb.delete(latestForecast, StoreKeys.utf8(f.segment()));
                    latest++;
                }
            }
            long dead = deleteDeadLettersWhere(wb, d -> d.rejectedAt() < beforeMillis);
            db.write(syncWrite, wb);
            compact(observations, forecasts, latestObservation, latestForecast, deadLetters);
            return new PurgeResult("before " + java.time.Instant.ofEpochMilli(beforeMillis), obs, fc, latest, dead);
        } catch (RocksDBException e) {
            throw new StoreException("purge before " + beforeMillis + " in " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /** Segments with any history, including those whose latest values are already gone. */
    private List<String> segmentIdsInHistory() {
        TreeSet<String> ids = new TreeSet<>(segmentIds());
        for (ColumnFamilyHandle cf : new ColumnFamilyHandle[] {observations, forecasts}) {
            try (RocksIterator it = db.newIterator(cf)) {
                it.seekToFirst();
                while (it.isValid()) {
                    String id = StoreKeys.segmentOf(it.key());
                    ids.add(id);
                    it.seek(segmentEnd(id)); // jump over the rest of this segment
                }
                checkStatus(it, "history segments");
            }
        }
        return new ArrayList<>(ids);
    }

    /** The first key after every key of {@code segment} (its id, then 0x01 sorts after id, 0x00, anything). */
    private static byte[] segmentEnd(String segment) {
        byte[] id = StoreKeys.utf8(segment);
        byte[] end = java.util.Arrays.copyOf(id, id.length + 1);
        end[id.length] = 1;
        return end;
    }

    private long countRange(ColumnFamilyHandle cf, byte[] begin, byte[] end) {
        long n = 0;
        try (Slice upper = new Slice(end); ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
             RocksIterator it = db.newIterator(cf, ro)) {
            for (it.seek(begin); it.isValid(); it.next()) {
                n++;
            }
            checkStatus(it, "range count");
        }
        return n;
    }

    /** Deletes (into {@code wb}) the dead letters matching; returns how many. */
    private long deleteDeadLettersWhere(WriteBatch wb, java.util.function.Predicate<DeadLetter> match) {
        long n = 0;
        try (RocksIterator it = db.newIterator(deadLetters)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                DeadLetter d;
                try {
                    d = JSON.readValue(it.value(), DeadLetter.class);
                } catch (java.io.IOException e) {
                    continue;
                }
                if (match.test(d)) {
                    try {
                        wb.delete(deadLetters, it.key());
                    } catch (RocksDBException e) {
                        throw new StoreException("purge of dead letters in " + dir + " failed: " + e.getMessage(), e);
                    }
                    n++;
                }
            }
            checkStatus(it, "dead letters");
        }
        return n;
    }

    /**
     * Rewrites the families' files so that deleted values are physically gone, not just shadowed by tombstones. Every
     * family is flushed first: a write-ahead log is only dropped once all families holding data in it are flushed,
     * and until then it still holds the deleted values.
     */
    private void compact(ColumnFamilyHandle... cfs) throws RocksDBException {
        try (org.rocksdb.FlushOptions flush = new org.rocksdb.FlushOptions().setWaitForFlush(true)) {
            db.flush(flush, handles);
        }
        // forced down to the bottom level, where range tombstones and what they cover are dropped for good
        try (org.rocksdb.CompactRangeOptions all = new org.rocksdb.CompactRangeOptions()
            .setBottommostLevelCompaction(org.rocksdb.CompactRangeOptions.BottommostLevelCompaction.kForce)) {
            for (ColumnFamilyHandle cf : cfs) {
                db.compactRange(cf, null, null, all);
            }
        }
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            syncWrite.close();
            closeDb();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private interface EntryConsumer {
        void accept(byte[] key, byte[] value);
    }

    private void scan(ColumnFamilyHandle cf, String segment, long fromMillis, long toMillis, EntryConsumer consumer) {
        if (toMillis < fromMillis) {
            return;
        }
        byte[] begin = StoreKeys.segmentTime(segment, fromMillis, 0);
        // exclusive upper bound: the first key after every suffix of time toMillis
        byte[] end = toMillis == Long.MAX_VALUE
            ? StoreKeys.segmentTime(segment + '\u0001', Long.MIN_VALUE, 0)
            : StoreKeys.segmentTime(segment, toMillis + 1, 0);
        try (Slice upper = new Slice(end); ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
             RocksIterator it = db.newIterator(cf, ro)) {
            for (it.seek(begin); it.isValid(); it.next()) {
                consumer.accept(it.key(), it.value());
            }
            checkStatus(it, "history of " + segment);
        }
    }

    private byte[] get(ColumnFamilyHandle cf, byte[] key) {
        try {
            return db.get(cf, key);
        } catch (RocksDBException e) {
            throw new StoreException("read from online store " + dir + " failed: " + e.getMessage(), e);
        }
    }

    private static byte[] encodeObservation(Observation o) {
        return ByteBuffer.allocate(2 * Long.BYTES + 1).putLong(o.timeMillis()).putDouble(o.speed())
            .put((byte) o.source().ordinal()).array();
    }

    /** The observation, or null (counted) when the value is not one this store wrote. */
    private Observation decodeObservation(String segment, byte[] v) {
        int source = v.length == 2 * Long.BYTES + 1 ? v[2 * Long.BYTES] : -1;
        if (source < 0 || source >= Source.values().length) {
            corruptSkipped.incrementAndGet();
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(v);
        return new Observation(segment, b.getLong(), b.getDouble(), Source.values()[source]);
    }

    /** The forecast, or null (counted) when the value does not parse. */
    private Forecast decodeForecast(byte[] v) {
        try {
            return ForecastWire.parse(new String(v, StandardCharsets.UTF_8));
        } catch (WireFormatException | RuntimeException e) {
            corruptSkipped.incrementAndGet();
            return null;
        }
    }

    private static byte[] positionKey(String topic, int partition) {
        byte[] t = StoreKeys.utf8(topic);
        return ByteBuffer.allocate(t.length + 1 + Integer.BYTES).put(t).put((byte) 0).putInt(partition).array();
    }

    private static byte[] deadLetterKey(DeadLetter d) {
        byte[] t = StoreKeys.utf8(d.topic());
        return ByteBuffer.allocate(Long.BYTES + t.length + 1 + Integer.BYTES + Long.BYTES)
            .putLong(d.rejectedAt() ^ Long.MIN_VALUE).put(t).put((byte) 0).putInt(d.partition()).putLong(d.offset())
            .array();
    }

    /** Dead letters as JSON trees, for the API. */
    public static JsonNode toJson(DeadLetter d) {
        ObjectNode o = JSON.valueToTree(d);
        o.put("rejectedAt", java.time.Instant.ofEpochMilli(d.rejectedAt()).toString());
        return o;
    }
}
