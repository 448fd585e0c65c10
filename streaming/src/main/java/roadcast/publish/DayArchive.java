package roadcast.publish;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import roadcast.datasets.DayArchiveFolder;
import roadcast.ingest.SourceNames;
import roadcast.model.ManifoldModel;
import roadcast.stream.ReadingEvent;

/**
 * The history archive: accepted readings as CSV files partitioned by the day of their event time
 * ({@code DIR/day=YYYY-MM-DD/part-*.csv}), in the long layout {@code roadcast.datasets} reads back
 * ({@code timestamp,segment,speed,flow,occupancy,source}, timestamps ISO-8601 UTC, empty = not measured). Files
 * are finished on checkpoints, so a finished file holds exactly the readings of completed checkpoints; until then
 * they are hidden (leading dot) and the loader skips them.
 *
 * <p>With {@link #describe} the folder is a data set: {@code roadcast train --dataset DIR} reads all finished files
 * as one history ({@link roadcast.datasets.DayArchiveFolder}), so the daily retrain learns from what the job
 * accepted.
 */
public final class DayArchive {

    public static final String HEADER = "timestamp,segment,speed,flow,occupancy,source\n";

    private DayArchive() {
    }

    /** @param zone time zone whose calendar day names the partition (the data set's local zone) */
    public static FileSink<ReadingEvent> sink(java.nio.file.Path dir, ZoneId zone) {
        return FileSink.forBulkFormat(new org.apache.flink.core.fs.Path(dir.toAbsolutePath().toUri()),
                        (BulkWriter.Factory<ReadingEvent>) CsvWriter::new)
                .withBucketAssigner(new ByDay(zone.getId()))
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix("part").withPartSuffix(".csv").build())
                .build();
    }

    /**
     * Writes into {@code dir}, where missing, what makes the archive a data set beyond its readings: a README with
     * the model's speed unit, time zone and step, and the model's network as sensors.csv / edges.csv (the retrained
     * model keeps its segments, coordinates, road classes and links). Call it where the sink is created.
     */
    public static void describe(java.nio.file.Path dir, ManifoldModel model) {
        DayArchiveFolder.describe(dir, "# Accepted readings of the roadcast stream job\n\nWritten by "
                        + DayArchive.class.getName() + " for model " + model.version() + "; read it with "
                        + "`roadcast train --dataset " + dir.getFileName() + "`.",
                model.unit(), model.timeZone(), model.step(), model.network());
    }

    /**
     * Writes rows [0, rows) of a history into the archive as if the job had accepted them (one finished file per
     * day, {@code part-history.csv}): an archive started next to a model then holds the history that model was
     * trained on, and a retrain on the archive learns from that history plus what the job has accepted since. Missing
     * cells (NaN) are not written, as the job never archives a reading it did not accept.
     */
    public static void backfill(java.nio.file.Path dir, roadcast.history.SpeedHistory history, int rows)
            throws IOException {
        ZoneId zone = history.timeZone();
        java.io.BufferedWriter w = null;
        LocalDate day = null;
        ReadingEvent e = new ReadingEvent();
        e.source = roadcast.reading.Source.LOOP;
        try {
            for (int t = 0; t < rows; t++) {
                e.timeMillis = history.epochMillis(t);
                LocalDate d = LocalDate.ofInstant(Instant.ofEpochMilli(e.timeMillis), zone);
                if (!d.equals(day)) {
                    if (w != null) {
                        w.close();
                    }
                    day = d;
                    java.nio.file.Path folder = java.nio.file.Files.createDirectories(dir.resolve("day=" + d));
                    w = java.nio.file.Files.newBufferedWriter(folder.resolve("part-history.csv"), StandardCharsets.UTF_8);
                    w.write(HEADER);
                }
                for (int i = 0; i < history.segments(); i++) {
                    float v = history.speed()[t][i];
                    if (Float.isNaN(v)) {
                        continue;
                    }
                    e.segment = history.segmentIds()[i];
                    e.speed = Double.parseDouble(Float.toString(v));
                    e.flow = history.flow() == null ? Double.NaN : history.flow()[t][i];
                    e.occupancy = history.occupancy() == null ? Double.NaN : history.occupancy()[t][i];
                    w.write(line(e));
                    w.write('\n');
                }
            }
        } finally {
            if (w != null) {
                w.close();
            }
        }
    }

    /** One CSV line of a reading (without the newline). */
    public static String line(ReadingEvent e) {
        return Instant.ofEpochMilli(e.timeMillis) + "," + e.segment + "," + e.speed + ","
                + (Double.isNaN(e.flow) ? "" : Double.toString(e.flow)) + ","
                + (Double.isNaN(e.occupancy) ? "" : Double.toString(e.occupancy)) + ","
                + (e.source == null ? "" : SourceNames.name(e.source));
    }

    private static final class CsvWriter implements BulkWriter<ReadingEvent> {
        private final OutputStream out;

        CsvWriter(FSDataOutputStream out) throws IOException {
            this.out = out;
            out.write(HEADER.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void addElement(ReadingEvent e) throws IOException {
            out.write((line(e) + "\n").getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void finish() throws IOException {
            out.flush();
        }
    }

    /** {@code day=YYYY-MM-DD} of the reading's event time in the archive's zone. */
    private static final class ByDay implements BucketAssigner<ReadingEvent, String> {
        private static final long serialVersionUID = 1L;
        private final String zone;
        private transient ZoneId zoneId;

        ByDay(String zone) {
            this.zone = zone;
        }

        @Override
        public String getBucketId(ReadingEvent e, Context context) {
            if (zoneId == null) {
                zoneId = ZoneId.of(zone);
            }
            return "day=" + LocalDate.ofInstant(Instant.ofEpochMilli(e.timeMillis), zoneId);
        }

        @Override
        public SimpleVersionedSerializer<String> getSerializer() {
            return SimpleVersionedStringSerializer.INSTANCE;
        }
    }
}
