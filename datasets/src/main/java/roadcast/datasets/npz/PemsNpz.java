package roadcast.datasets.npz;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import roadcast.datasets.DatasetFormatException;

/**
 * Reads a PEMS {@code .npz} (ASTGCN release: a zip holding {@code data.npy}, T x N x 3 = flow, occupancy, speed;
 * PEMS03/07 hold flow only and are refused, they have no speed). A two-dimensional array is taken as speed alone.
 * The file has no time axis and no sensor ids: ids are the column indices 0..N-1, as in the shared layout.
 */
public final class PemsNpz {

    /**
     * The channels of one file.
     *
     * @param speed     [T][N]
     * @param flow      [T][N] or null
     * @param occupancy [T][N] or null
     */
    public record Channels(float[][] speed, float[][] flow, float[][] occupancy) {

        public int steps() {
            return speed.length;
        }

        public int sensors() {
            return speed.length == 0 ? 0 : speed[0].length;
        }
    }

    private PemsNpz() {
    }

    public static Channels read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetFormatException(file, "no such file");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry entry = zip.getEntry("data.npy");
            if (entry == null) {
                entry = firstNpy(zip);
            }
            if (entry == null) {
                throw new DatasetFormatException(file, "the .npz holds no .npy array");
            }
            NpyArray array;
            try (InputStream in = zip.getInputStream(entry)) {
                array = Npy.read(in, entry.getName());
            }
            return channels(array, file);
        } catch (ZipException e) {
            throw new DatasetFormatException(file, "not a valid .npz (zip) file, truncated or corrupt download? ("
                    + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new DatasetFormatException(file, "cannot read .npz: " + e.getMessage(), e);
        }
    }

    private static ZipEntry firstNpy(ZipFile zip) {
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            ZipEntry e = entries.nextElement();
            if (e.getName().endsWith(".npy")) {
                return e;
            }
        }
        return null;
    }

    private static Channels channels(NpyArray array, Path file) {
        int[] shape = array.shape();
        double[] data = array.data();
        if (shape.length == 2) {
            return new Channels(channel(data, shape[0], shape[1], 1, 0), null, null);
        }
        if (shape.length != 3) {
            throw new DatasetFormatException(file, "expected a T x N x C array, found shape "
                    + java.util.Arrays.toString(shape));
        }
        int t = shape[0];
        int n = shape[1];
        int c = shape[2];
        if (c < 3) {
            throw new DatasetFormatException(file, "array has " + c + " channel(s); a speed channel needs "
                    + "[flow, occupancy, speed] (PEMS03/07 hold flow only)");
        }
        return new Channels(channel(data, t, n, c, 2), channel(data, t, n, c, 0), channel(data, t, n, c, 1));
    }

    /** Element (t, i, k) of a C-order T x N x C array is at (t * N + i) * C + k. */
    private static float[][] channel(double[] data, int steps, int sensors, int channels, int k) {
        float[][] out = new float[steps][sensors];
        for (int t = 0; t < steps; t++) {
            float[] row = out[t];
            int base = t * sensors * channels + k;
            for (int i = 0; i < sensors; i++) {
                row[i] = (float) data[base + i * channels];
            }
        }
        return out;
    }
}
