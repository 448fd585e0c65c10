package roadcast.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.fixtures.SampleForecasts;
import roadcast.forecast.Forecast;
import roadcast.reading.Source;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnlineStoreTest {

    private static final long T0 = 1_330_560_000_000L; // 2012-03-01T00:00Z
    private static final long STEP = 300_000L;

    @TempDir
    Path dir;

    @Test
    void historyRangeScansStayInsideOneSegmentAndTimeWindow() {
        try (OnlineStore store = OnlineStore.open(dir, Duration.ofDays(7))) {
            StoreBatch b = new StoreBatch();
            for (int i = 0; i < 10; i++) {
                // "a" is a prefix of "ab": their keys must not interleave
                b.add(new Observation("a", T0 + i * STEP, 50 + i, Source.LOOP));
                b.add(new Observation("ab", T0 + i * STEP, 10 + i, Source.FLOATING_CAR));
                b.add(SampleForecasts.of("a", T0 + i * STEP, 50 + i, -1));
            }
            store.write(b);
            List<Observation> a = store.observations("a", T0 + 2 * STEP, T0 + 5 * STEP);
            assertEquals(4, a.size());
            assertEquals(52.0, a.get(0).speed());
            assertEquals(T0 + 5 * STEP, a.get(3).timeMillis());
            assertTrue(a.stream().allMatch(o -> o.segment().equals("a") && o.source() == Source.LOOP));
            assertEquals(10, store.observations("ab", Long.MIN_VALUE, Long.MAX_VALUE).size());
            List<Forecast> f = store.forecastsIssued("a", T0, T0 + 3 * STEP);
            assertEquals(4, f.size());
            assertEquals(T0 + 3 * STEP, f.get(3).issuedAt());
            assertEquals(List.of("a", "ab"), store.segmentIds());
        }
    }

    @Test
    void latestKeepsTheNewestEvenWhenDataArrivesOutOfOrder() {
        try (OnlineStore store = OnlineStore.open(dir, Duration.ofDays(7))) {
            store.write(new StoreBatch().add(new Observation("s", T0 + 5 * STEP, 40, Source.LOOP))
                .add(SampleForecasts.of("s", T0 + 5 * STEP, 40, 1)));
            store.write(new StoreBatch().add(new Observation("s", T0 + 2 * STEP, 20, Source.LOOP))
                .add(SampleForecasts.of("s", T0 + 2 * STEP, 20, 1)));
            assertEquals(40.0, store.latestObservation("s").orElseThrow().speed());
            assertEquals(T0 + 5 * STEP, store.latestForecast("s").orElseThrow().issuedAt());
            assertEquals(2, store.observations("s", T0, T0 + 10 * STEP).size());
        }
    }

    @Test
    void dataAndPositionsSurviveReopenAndReplaysDoNotDuplicate() {
        Forecast f = SampleForecasts.of("s1", T0, 61.5, -2.5);
        try (OnlineStore store = OnlineStore.open(dir, Duration.ofDays(7))) {
            store.write(new StoreBatch().add(f).add(new Observation("s1", T0, 61.5, Source.LOOP))
                .advance("roadcast.forecast", 0, 17).advance("roadcast.speed", 2, 5));
        }
        try (OnlineStore store = OnlineStore.open(dir, Duration.ofDays(7))) {
            Forecast back = store.latestForecast("s1").orElseThrow();
            assertArrayEquals(f.speed(), back.speed());
            assertArrayEquals(f.level(), back.level());
            assertArrayEquals(f.lower(), back.lower());
            assertEquals(f.observedSpeed(), back.observedSpeed());
            assertEquals(List.of(new PartitionPosition("roadcast.forecast", 0, 17),
                new PartitionPosition("roadcast.speed", 2, 5)), store.positions());
            // the same records once more (a replay after a crash before the offsets were stored)
            store.write(new StoreBatch().add(f).add(new Observation("s1", T0, 61.5, Source.LOOP)));
            long[] counts = store.historyCounts();
            assertEquals(1, counts[0]);
            assertEquals(1, counts[1]);
        }
    }

    @Test
    void sweepDropsHistoryOlderThanRetentionFromTheNewestData() {
        try (OnlineStore store = OnlineStore.open(dir, Duration.ofHours(1))) {
            StoreBatch b = new StoreBatch();
            for (int i = 0; i < 24; i++) { // two hours of 5-minute data
                b.add(new Observation("s", T0 + i * STEP, 30, Source.LOOP));
                b.add(SampleForecasts.of("s", T0 + i * STEP, 30, 0));
            }
            store.write(b);
            long cutoff = store.sweep();
            // the high-water mark is a high quantile of recent times, not the maximum: at most the newest time
            assertTrue(cutoff <= T0 + 23 * STEP - 3_600_000L && cutoff >= T0 + 20 * STEP - 3_600_000L,
                "cutoff " + cutoff);
            List<Observation> left = store.observations("s", Long.MIN_VALUE, Long.MAX_VALUE);
            long kept = (T0 + 23 * STEP - cutoff) / STEP + 1;
            assertEquals(kept, left.size());
            assertTrue(kept < 24, "something older than the retention was deleted");
            assertTrue(left.get(0).timeMillis() >= cutoff);
            assertEquals(kept, store.forecastsIssued("s", Long.MIN_VALUE, Long.MAX_VALUE).size());
            assertTrue(store.latestObservation("s").isPresent(), "latest values are never expired");
        }
    }

    @Test
    void deadLettersAreKeptNewestFirst() {
        try (OnlineStore store = OnlineStore.open(dir, Duration.ofDays(7))) {
            long now = System.currentTimeMillis();
            store.write(new StoreBatch().add(new DeadLetter("bad-json", "x", "{", "roadcast.speed", 0, 3, now - 10))
                .add(new DeadLetter("missing-field", "y", "{}", "roadcast.speed", 0, 4, now)));
            List<DeadLetter> d = store.deadLetters(10);
            assertEquals(2, d.size());
            assertEquals("missing-field", d.get(0).reason());
            assertEquals(3, d.get(1).offset());
        }
    }

    /**
     * Issue 10: one valid far-future time raised the high-water mark to its time, and the sweep deleted the whole
     * history of every segment, again after each restart.
     */
    @Test
    void oneFarFutureRecordNeverSweepsAwayHistory() {
        int segments = 10;
        int steps = 24;
        long year2100 = java.time.Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();
        try (OnlineStore store = OnlineStore.open(dir, Duration.ofDays(7))) {
            StoreBatch b = new StoreBatch();
            for (int i = 0; i < steps; i++) {
                for (int s = 0; s < segments; s++) {
                    b.add(new Observation("s" + s, T0 + i * STEP, 30, Source.LOOP));
                    b.add(SampleForecasts.of("s" + s, T0 + i * STEP, 30, 0));
                }
            }
            store.write(b);
            // one bad reading stores as an observation and the forecast made from it, both far ahead
            store.write(new StoreBatch().add(new Observation("s3", year2100, 30, Source.LOOP))
                .add(SampleForecasts.of("s3", year2100, 30, 0)));
            store.write(new StoreBatch().add(new Observation("s4", System.currentTimeMillis() + 3_600_000L, 30,
                Source.LOOP)));
            store.sweep();
            assertEquals(steps, store.observations("s0", Long.MIN_VALUE, Long.MAX_VALUE).size());
            assertEquals(steps, store.forecastsIssued("s3", Long.MIN_VALUE, T0 + steps * STEP).size());
            assertTrue(store.highWaterMillis() < T0 + steps * STEP, "high-water " + store.highWaterMillis());
        }
        // the restart seeds the high-water mark from the latest values, where the bad record is the newest of s3
        try (OnlineStore store = OnlineStore.open(dir, Duration.ofDays(7))) {
            store.sweep();
            long[] counts = store.historyCounts();
            assertEquals(segments * steps + 2, counts[0], "observations after restart and sweep");
            assertEquals(segments * steps + 1, counts[1], "forecasts after restart and sweep");
        }
    }

    /** With a single segment, the latest values after a restart are one record: too few to decide any deletion. */
    @Test
    void aRestartWithTooFewRecentTimesDeletesNothing() {
        long year2100 = java.time.Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();
        try (OnlineStore store = OnlineStore.open(dir, Duration.ofHours(1))) {
            StoreBatch b = new StoreBatch();
            for (int i = 0; i < 24; i++) {
                b.add(new Observation("s", T0 + i * STEP, 30, Source.LOOP));
            }
            store.write(b.add(new Observation("s", year2100, 30, Source.LOOP)).add(SampleForecasts.of("s", year2100, 30, 0)));
        }
        try (OnlineStore store = OnlineStore.open(dir, Duration.ofHours(1))) {
            assertEquals(Long.MIN_VALUE, store.sweep(), "no sweep on two seed times");
            assertEquals(25, store.historyCounts()[0]);
        }
    }

    /** Issue 10: one corrupt stored value made the store fail to open (and every request touching it fail). */
    @Test
    void corruptStoredValuesAreSkippedAndCountedNotFatal() throws Exception {
        try (OnlineStore store = OnlineStore.open(dir, Duration.ofDays(7))) {
            StoreBatch b = new StoreBatch();
            for (int s = 0; s < 3; s++) {
                b.add(new Observation("s" + s, T0, 40, Source.LOOP)).add(SampleForecasts.of("s" + s, T0, 40, 1));
            }
            store.write(b);
        }
        // a foreign writer (or a disk fault) leaves values this store never wrote, through RocksDB itself
        org.rocksdb.RocksDB.loadLibrary();
        List<org.rocksdb.ColumnFamilyDescriptor> cfs = new java.util.ArrayList<>();
        for (byte[] name : org.rocksdb.RocksDB.listColumnFamilies(new org.rocksdb.Options(), dir.toString())) {
            cfs.add(new org.rocksdb.ColumnFamilyDescriptor(name));
        }
        List<org.rocksdb.ColumnFamilyHandle> handles = new java.util.ArrayList<>();
        try (org.rocksdb.DBOptions o = new org.rocksdb.DBOptions();
             org.rocksdb.RocksDB db = org.rocksdb.RocksDB.open(o, dir.toString(), cfs, handles)) {
            for (int i = 0; i < cfs.size(); i++) {
                String name = new String(cfs.get(i).getName(), java.nio.charset.StandardCharsets.UTF_8);
                if (name.equals("latest_forecast")) {
                    db.put(handles.get(i), "s1".getBytes(), "{\"segment\":\"s1\",\"issuedAt\":".getBytes());
                } else if (name.equals("latest_observation")) {
                    db.put(handles.get(i), "s2".getBytes(), new byte[] {1, 2, 3});
                } else if (name.equals("forecasts")) {
                    db.put(handles.get(i), StoreKeys.segmentTime("s0", T0 + STEP, 0), new byte[] {(byte) 0xff, 0});
                }
            }
            handles.forEach(org.rocksdb.ColumnFamilyHandle::close);
        }
        try (OnlineStore store = OnlineStore.open(dir, Duration.ofDays(7))) {
            assertEquals(2, store.latestForecasts().size());
            assertEquals(2, store.latestObservations().size());
            assertTrue(store.latestForecast("s1").isEmpty());
            assertEquals(1, store.forecastsIssued("s0", Long.MIN_VALUE, Long.MAX_VALUE).size());
            assertTrue(store.corruptValuesSkipped() >= 3, "skipped " + store.corruptValuesSkipped());
            // the next good value heals the latest entry
            store.write(new StoreBatch().add(SampleForecasts.of("s1", T0 + STEP, 40, 1)));
            assertEquals(T0 + STEP, store.latestForecast("s1").orElseThrow().issuedAt());
        }
    }

    /** Every file of the store directory as bytes: the purged data must not be in any of them. */
    private boolean anyFileContains(String marker) throws Exception {
        byte[] needle = marker.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (var files = java.nio.file.Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(java.nio.file.Files::isRegularFile)::iterator) {
                if (f.getFileName().toString().startsWith("LOG")) {
                    continue; // RocksDB's info log: no data
                }
                String hay = new String(java.nio.file.Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
                if (hay.contains(new String(needle, java.nio.charset.StandardCharsets.ISO_8859_1))) {
                    System.out.println(marker + " found in " + f.getFileName());
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void purgeOfASegmentLeavesNothingOfItInAnyFile() throws Exception {
        String secret = "purge-me-7f3a9c";
        try (OnlineStore store = OnlineStore.open(dir, Duration.ofDays(7))) {
            StoreBatch b = new StoreBatch();
            for (int i = 0; i < 20; i++) {
                b.add(new Observation(secret, T0 + i * STEP, 40, Source.LOOP)).add(SampleForecasts.of(secret, T0 + i * STEP, 40, 1));
                b.add(new Observation("keep", T0 + i * STEP, 40, Source.LOOP)).add(SampleForecasts.of("keep", T0 + i * STEP, 40, 1));
            }
            b.add(new DeadLetter("bad-field", "x", "{\"segment\":\"" + secret + "\",\"speed\":\"fast\"}", "roadcast.speed", 0, 1,
                System.currentTimeMillis()));
            b.add(new DeadLetter("bad-json", "y", "{", "roadcast.speed", 0, 2, System.currentTimeMillis()));
            store.write(b.advance("roadcast.speed", 0, 3));
            PurgeResult r = store.purgeSegment(secret);
            assertEquals(new PurgeResult("segment " + secret, 20, 20, 2, 1), r);
            assertTrue(store.latestForecast(secret).isEmpty());
            assertEquals(List.of("keep"), store.segmentIds());
            assertEquals(20, store.observations("keep", Long.MIN_VALUE, Long.MAX_VALUE).size());
            assertEquals(1, store.deadLetters(10).size());
            assertEquals(new PurgeResult("segment " + secret, 0, 0, 0, 0), store.purgeSegment(secret), "idempotent");
        }
        // RocksDB's MANIFEST keeps old files' boundary keys (not values) until the next open writes a fresh one
        OnlineStore.open(dir, Duration.ofDays(7)).close();
        assertFalse(anyFileContains(secret), "the purged segment is still in the store's files");
        assertTrue(anyFileContains("keep"), "the check can see data that was kept");
    }

    @Test
    void purgeBySourceAndByTime() {
        try (OnlineStore store = OnlineStore.open(dir, Duration.ofDays(7))) {
            StoreBatch b = new StoreBatch();
            for (int i = 0; i < 10; i++) {
                b.add(new Observation("a", T0 + i * STEP, 40, i % 2 == 0 ? Source.LOOP : Source.FLOATING_CAR));
                b.add(SampleForecasts.of("a", T0 + i * STEP, 40, 1));
            }
            store.write(b);
            PurgeResult bySource = store.purgeSource(Source.FLOATING_CAR);
            assertEquals(5, bySource.observations());
            assertEquals(1, bySource.latest(), "the latest was a floating-car reading");
            assertEquals(Source.LOOP, store.latestObservation("a").orElseThrow().source());
            assertEquals(T0 + 8 * STEP, store.latestObservation("a").orElseThrow().timeMillis());
            assertTrue(store.observations("a", Long.MIN_VALUE, Long.MAX_VALUE).stream().allMatch(o -> o.source() == Source.LOOP));

            PurgeResult before = store.purgeBefore(T0 + 4 * STEP);
            assertEquals(2, before.observations()); // loop readings at steps 0 and 2
            assertEquals(4, before.forecasts());
            assertEquals(0, before.latest());
            assertEquals(3, store.observations("a", Long.MIN_VALUE, Long.MAX_VALUE).size());
            PurgeResult all = store.purgeBefore(T0 + 100 * STEP);
            assertEquals(2, all.latest());
            assertTrue(store.segmentIds().isEmpty());
        }
    }

    /**
     * Issue 10: iterators ignored status(), so a read that hit a corrupt block ended early and was served as "no more
     * history". Now it is an error (the API answers 500 and logs it) instead of a silently short answer.
     */
    @Test
    void aCorruptBlockIsAnErrorNotAShortAnswer() throws Exception {
        try (OnlineStore store = OnlineStore.open(dir, Duration.ofDays(7))) {
            StoreBatch b = new StoreBatch();
            for (int i = 0; i < 2000; i++) {
                b.add(new Observation("s", T0 + i * STEP, 40 + i % 7, Source.LOOP));
            }
            store.write(b);
        }
        // find the observations family's table file through RocksDB itself, then damage its first data block
        org.rocksdb.RocksDB.loadLibrary();
        List<org.rocksdb.ColumnFamilyDescriptor> cfs = new java.util.ArrayList<>();
        for (byte[] name : org.rocksdb.RocksDB.listColumnFamilies(new org.rocksdb.Options(), dir.toString())) {
            cfs.add(new org.rocksdb.ColumnFamilyDescriptor(name));
        }
        List<org.rocksdb.ColumnFamilyHandle> handles = new java.util.ArrayList<>();
        String table = null;
        try (org.rocksdb.DBOptions o = new org.rocksdb.DBOptions();
             org.rocksdb.RocksDB db = org.rocksdb.RocksDB.open(o, dir.toString(), cfs, handles)) {
            try (org.rocksdb.FlushOptions f = new org.rocksdb.FlushOptions().setWaitForFlush(true)) {
                db.flush(f, handles);
            }
            for (org.rocksdb.LiveFileMetaData m : db.getLiveFilesMetaData()) {
                if (new String(m.columnFamilyName(), java.nio.charset.StandardCharsets.UTF_8).equals("observations")) {
                    table = m.fileName();
                }
            }
            handles.forEach(org.rocksdb.ColumnFamilyHandle::close);
        }
        assertTrue(table != null, "no table file of observations");
        Path file = dir.resolve(table.startsWith("/") ? table.substring(1) : table);
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        for (int i = 64; i < 96; i++) {
            bytes[i] ^= 0x5a;
        }
        java.nio.file.Files.write(file, bytes);
        try (OnlineStore store = OnlineStore.open(dir, Duration.ofDays(7))) {
            StoreException e = org.junit.jupiter.api.Assertions.assertThrows(StoreException.class,
                () -> store.observations("s", Long.MIN_VALUE, Long.MAX_VALUE));
            assertTrue(e.getMessage().contains("history of s"), e.getMessage());
        }
    }
}
