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

import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import roadcast.fit.ProgressListener;
import roadcast.fit.ZoneFitter;
import roadcast.history.SpeedHistory;

/**
 * The training history partitioned by zone, and the fitted zone parts, in a work folder every node reads: a local
 * path on a shared mount or any URI Flink's file systems serve ({@code hdfs://}, {@code s3://} with the plugin).
 * A fit task reads only its zone's file, so a TaskManager never holds the whole history.
 *
 * <p>Zone file {@code zones/zone-NNNNN.bin}, big-endian: magic, zone, n, steps, horizons, first epoch ms, step ms,
 * time zone id (UTF), the n network indices, then the zone's speeds as [steps][n] floats (NaN = missing), exactly the
 * cleaned history's values. Part file {@code parts/zone-NNNNN.part}: the serialised {@link ZoneFitter.Result}.
 */
final class ZoneHistoryFiles {

    private static final int MAGIC = 0x52435A31; // "RCZ1"

    /** One zone's history as a fit task reads it. */
    record ZoneHistory(int zone, int[] segments, int horizons, long firstMillis, long stepMillis, ZoneId timeZone,
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

    /** Writes every zone's columns of the cleaned history (the driver's one pass over it). */
    static void write(Path run, SpeedHistory history, int[][] zones, int horizons, ProgressListener progress)
            throws IOException {
        FileSystem fs = run.getFileSystem();
        fs.mkdirs(new Path(run, "zones"));
        fs.mkdirs(new Path(run, "parts"));
        float[][] rows = history.speed();
        int steps = rows.length;
        long firstMillis = history.epochMillis(0);
        long stepMillis = history.step().toMillis();
        progress.progress("writing zone histories", 0, zones.length);
        for (int z = 0; z < zones.length; z++) {
            int[] segments = zones[z];
            int n = segments.length;
            ByteBuffer values = ByteBuffer.allocate(steps * n * Float.BYTES);
            for (float[] row : rows) {
                for (int segment : segments) {
                    values.putFloat(row[segment]);
                }
            }
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                    fs.create(zoneFile(run, z), FileSystem.WriteMode.OVERWRITE), 1 << 16))) {
                out.writeInt(MAGIC);
                out.writeInt(z);
                out.writeInt(n);
                out.writeInt(steps);
                out.writeInt(horizons);
                out.writeLong(firstMillis);
                out.writeLong(stepMillis);
                out.writeUTF(history.timeZone().getId());
                for (int segment : segments) {
                    out.writeInt(segment);
                }
                out.write(values.array());
            }
            progress.progress("writing zone histories", z + 1, zones.length);
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
            int horizons = in.readInt();
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
            return new ZoneHistory(z, segments, horizons, firstMillis, stepMillis, timeZone, x);
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

    /** Removes the run's folder (zone histories and parts). */
    static void delete(Path run) throws IOException {
        FileSystem fs = run.getFileSystem();
        if (fs.exists(run)) {
            fs.delete(run, true);
        }
    }
}
