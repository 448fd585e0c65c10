package roadcast.trainjob;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.time.ZoneId;
import java.util.function.IntFunction;

import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import roadcast.fit.ProgressListener;
import roadcast.fit.ZoneFitter;
import roadcast.model.HorizonLeads;

/**
 * The training history partitioned by zone, and the fitted zone parts, in a work folder every node reads: a local
 * path on a shared mount or any URI Flink's file systems serve ({@code hdfs://}, {@code s3://} with the plugin).
 * A fit task reads only its zone's file, so a TaskManager never holds the whole history.
 *
 * <p>Zone file {@code zones/zone-NNNNN.bin}, big-endian: magic, zone, n, steps, horizons H, the H leads in steps
 * ({@link HorizonLeads}), first epoch ms, step ms, time zone id (UTF), the n network indices, then the zone's speeds
 * as [steps][n] floats (NaN = missing), exactly the cleaned history's values. Part file
 * {@code parts/zone-NNNNN.part}: the serialised {@link ZoneFitter.Result}.
 */
final class ZoneHistoryFiles {

    private static final int MAGIC = 0x52435A32; // "RCZ2": the leads added (spaced horizons)

    /** One zone's history as a fit task reads it. */
    record ZoneHistory(int zone, int[] segments, HorizonLeads leads, long firstMillis, long stepMillis, ZoneId timeZone,
                       double[] x) {
        int steps() {
            return x.length / segments.length;
        }
    }

    private ZoneHistoryFiles() {
    }

    static Path zoneFile(Path run, int zone) {
        return new Path(run, String.format("zones/zone-%05d.bin", zone));
    }

    static Path partFile(Path run, int zone) {
        return new Path(run, String.format("parts/zone-%05d.part", zone));
    }

    static Path outcomeFile(Path run, int zone) {
        return new Path(run, String.format("outcomes/zone-%05d.outcome", zone));
    }

    /**
     * Writes every zone's columns of the cleaned history in one pass over its rows, in time order: every zone's file
     * is open at once and gets its slice of each row, so the rows may come from a stream (the driver's
     * {@link RowSpill}) and only one is held at a time.
     *
     * @param row row t of the cleaned history, asked for t = 0 .. steps-1 in order (the array may be reused)
     */
    static void write(Path run, int steps, IntFunction<float[]> row, int[][] zones, HorizonLeads leads,
                      long firstMillis, long stepMillis, ZoneId timeZone, ProgressListener progress)
            throws IOException {
        FileSystem fs = run.getFileSystem();
        fs.mkdirs(new Path(run, "zones"));
        fs.mkdirs(new Path(run, "parts"));
        fs.mkdirs(new Path(run, "outcomes"));
        DataOutputStream[] out = new DataOutputStream[zones.length];
        try {
            int widest = 0;
            for (int z = 0; z < zones.length; z++) {
                int[] segments = zones[z];
                widest = Math.max(widest, segments.length);
                out[z] = new DataOutputStream(new BufferedOutputStream(
                        fs.create(zoneFile(run, z), FileSystem.WriteMode.OVERWRITE), 1 << 16));
                out[z].writeInt(MAGIC);
                out[z].writeInt(z);
                out[z].writeInt(segments.length);
                out[z].writeInt(steps);
                out[z].writeInt(leads.count());
                for (int lead : leads.steps()) {
                    out[z].writeInt(lead);
                }
                out[z].writeLong(firstMillis);
                out[z].writeLong(stepMillis);
                out[z].writeUTF(timeZone.getId());
                for (int segment : segments) {
                    out[z].writeInt(segment);
                }
            }
            ByteBuffer slice = ByteBuffer.allocate(widest * Float.BYTES);
            progress.progress("writing zone histories", 0, steps);
            for (int t = 0; t < steps; t++) {
                float[] values = row.apply(t);
                for (int z = 0; z < zones.length; z++) {
                    slice.clear();
                    for (int segment : zones[z]) {
                        slice.putFloat(values[segment]);
                    }
                    out[z].write(slice.array(), 0, slice.position());
                }
                if ((t & 255) == 255 || t == steps - 1) {
                    progress.progress("writing zone histories", t + 1, steps);
                }
            }
        } finally {
            IOException first = null;
            for (DataOutputStream o : out) {
                if (o != null) {
                    try {
                        o.close();
                    } catch (IOException e) {
                        first = first == null ? e : first;
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }

    /** Reads one zone's history, widened to double as the local trainer widens it. */
    static ZoneHistory read(Path run, int zone) throws IOException {
        Path file = zoneFile(run, zone);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(file.getFileSystem().open(file),
                1 << 16))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(file + " is not a zone history file");
            }
            int z = in.readInt();
            if (z != zone) {
                throw new IOException(file + " holds zone " + z + ", not " + zone);
            }
            int n = in.readInt();
            int steps = in.readInt();
            int[] leadSteps = new int[in.readInt()];
            for (int h = 0; h < leadSteps.length; h++) {
                leadSteps[h] = in.readInt();
            }
            long firstMillis = in.readLong();
            long stepMillis = in.readLong();
            ZoneId timeZone = ZoneId.of(in.readUTF());
            int[] segments = new int[n];
            for (int i = 0; i < n; i++) {
                segments[i] = in.readInt();
            }
            byte[] bytes = new byte[steps * n * Float.BYTES];
            in.readFully(bytes);
            ByteBuffer values = ByteBuffer.wrap(bytes);
            double[] x = new double[steps * n];
            for (int k = 0; k < x.length; k++) {
                x[k] = values.getFloat();
            }
            return new ZoneHistory(z, segments, new HorizonLeads(leadSteps), firstMillis, stepMillis, timeZone, x);
        }
    }

    /** Writes a fitted zone; a retried attempt (batch failover) overwrites a partial one. */
    static void writePart(Path run, int zone, ZoneFitter.Result result) throws IOException {
        Path file = partFile(run, zone);
        try (ObjectOutputStream out = new ObjectOutputStream(new BufferedOutputStream(
                file.getFileSystem().create(file, FileSystem.WriteMode.OVERWRITE), 1 << 16))) {
            out.writeObject(result);
        }
    }

    static ZoneFitter.Result readPart(Path run, int zone) throws IOException {
        Path file = partFile(run, zone);
        try (ObjectInputStream in = new ObjectInputStream(new BufferedInputStream(file.getFileSystem().open(file),
                1 << 16))) {
            return (ZoneFitter.Result) in.readObject();
        } catch (ClassNotFoundException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes what a fit task reports for a zone, after its part: the job's result goes through the run folder, not
     * through collect(), whose result fetch gives up when a TaskManager is lost mid-job (the batch failover itself
     * succeeds). A retried attempt overwrites the lost one's.
     */
    static void writeOutcome(Path run, ZoneOutcome o) throws IOException {
        Path file = outcomeFile(run, o.zone);
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                file.getFileSystem().create(file, FileSystem.WriteMode.OVERWRITE)))) {
            out.writeInt(MAGIC);
            out.writeInt(o.zone);
            out.writeInt(o.segments);
            out.writeBoolean(o.failure != null);
            out.writeUTF(o.failure == null ? "" : o.failure.length() > 8000 ? o.failure.substring(0, 8000)
                    : o.failure);
            out.writeDouble(o.seconds);
            out.writeUTF(o.worker);
        }
    }

    /** The outcome of zone {@code zone}, or null when no fit task reported it. */
    static ZoneOutcome readOutcome(Path run, int zone) throws IOException {
        Path file = outcomeFile(run, zone);
        if (!file.getFileSystem().exists(file)) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(file.getFileSystem().open(file)))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(file + " is not a zone outcome file");
            }
            int z = in.readInt();
            int segments = in.readInt();
            boolean failed = in.readBoolean();
            String failure = in.readUTF();
            double seconds = in.readDouble();
            String worker = in.readUTF();
            return new ZoneOutcome(z, segments, failed ? failure : null, seconds, worker);
        }
    }

    /** Removes the run's folder (zone histories and parts). */
    static void delete(Path run) throws IOException {
        FileSystem fs = run.getFileSystem();
        if (fs.exists(run)) {
            fs.delete(run, true);
        }
    }
}
