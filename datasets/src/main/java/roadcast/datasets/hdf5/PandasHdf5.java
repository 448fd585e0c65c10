package roadcast.datasets.hdf5;

import io.jhdf.HdfFile;
import io.jhdf.api.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import roadcast.datasets.DatasetFormatException;
import roadcast.datasets.csv.WideTable;

/**
 * Reads a pandas {@code DataFrame.to_hdf(key='df')} fixed-format file, the layout of the published
 * {@code metr-la.h5} and {@code pems-bay.h5}: {@code /df/axis0} column ids, {@code /df/axis1} int64 nanosecond
 * timestamps (local time written as if it were UTC), {@code /df/block0_values} float64 [T][N] in the order of
 * {@code /df/block0_items}.
 */
public final class PandasHdf5 {

    private PandasHdf5() {
    }

    public static WideTable read(Path file) {
        return read(file, "df");
    }

    public static WideTable read(Path file, String key) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetFormatException(file, "no such file");
        }
        try (HdfFile hdf = new HdfFile(file)) {
            String[] ids = strings(hdf, file, "/" + key + "/block0_items");
            long[] nanos = longs(hdf, file, "/" + key + "/axis1");
            Object raw = dataset(hdf, file, "/" + key + "/block0_values").getData();
            float[][] values = toFloat(raw, file, key);
            if (values.length != nanos.length) {
                throw new DatasetFormatException(file, "block0_values has " + values.length + " rows but axis1 has "
                        + nanos.length + " timestamps");
            }
            if (values.length < 2) {
                throw new DatasetFormatException(file, "need at least two rows to infer the time step");
            }
            if (values[0].length != ids.length) {
                throw new DatasetFormatException(file, "block0_values has " + values[0].length
                        + " columns but block0_items has " + ids.length + " ids");
            }
            LocalDateTime start = local(nanos[0]);
            Duration step = Duration.ofNanos(nanos[1] - nanos[0]);
            if (step.isZero() || step.isNegative()) {
                throw new DatasetFormatException(file, "axis1 timestamps must increase");
            }
            for (int t = 2; t < nanos.length; t++) {
                if (nanos[t] - nanos[0] != step.toNanos() * t) {
                    throw new DatasetFormatException(file, "irregular time step at row " + t + ": " + local(nanos[t])
                            + " (expected " + start.plus(step.multipliedBy(t)) + ")");
                }
            }
            return new WideTable(ids, start, step, values);
        } catch (DatasetFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DatasetFormatException(file, "not a readable pandas HDF5 file: " + e.getMessage(), e);
        }
    }

    private static LocalDateTime local(long nanos) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L),
                (int) Math.floorMod(nanos, 1_000_000_000L), ZoneOffset.UTC);
    }

    private static io.jhdf.api.Dataset dataset(HdfFile hdf, Path file, String path) {
        Node node;
        try {
            node = hdf.getByPath(path);
        } catch (RuntimeException e) {
            throw new DatasetFormatException(file, "missing dataset " + path + " (not the pandas key='df' layout)", e);
        }
        if (!(node instanceof io.jhdf.api.Dataset ds)) {
            throw new DatasetFormatException(file, path + " is not a dataset");
        }
        return ds;
    }

    private static String[] strings(HdfFile hdf, Path file, String path) {
        Object data = dataset(hdf, file, path).getData();
        if (data instanceof String[] s) {
            String[] trimmed = new String[s.length];
            for (int i = 0; i < s.length; i++) {
                trimmed[i] = s[i].trim();
            }
            return trimmed;
        }
        if (data instanceof long[] l) {
            String[] out = new String[l.length];
            for (int i = 0; i < l.length; i++) {
                out[i] = Long.toString(l[i]);
            }
            return out;
        }
        if (data instanceof int[] l) {
            String[] out = new String[l.length];
            for (int i = 0; i < l.length; i++) {
                out[i] = Integer.toString(l[i]);
            }
            return out;
        }
        throw new DatasetFormatException(file, path + " holds " + data.getClass().getSimpleName()
                + ", expected strings or integers");
    }

    private static long[] longs(HdfFile hdf, Path file, String path) {
        Object data = dataset(hdf, file, path).getData();
        if (data instanceof long[] l) {
            return l;
        }
        throw new DatasetFormatException(file, path + " holds " + data.getClass().getSimpleName()
                + ", expected int64 nanosecond timestamps");
    }

    private static float[][] toFloat(Object raw, Path file, String key) {
        if (raw instanceof double[][] d) {
            float[][] out = new float[d.length][];
            for (int t = 0; t < d.length; t++) {
                float[] row = new float[d[t].length];
                for (int i = 0; i < row.length; i++) {
                    row[i] = (float) d[t][i];
                }
                out[t] = row;
            }
            return out;
        }
        if (raw instanceof float[][] f) {
            return f;
        }
        throw new DatasetFormatException(file, "/" + key + "/block0_values holds " + raw.getClass().getSimpleName()
                + ", expected a 2-D float64 matrix");
    }
}
