package roadcast.datasets.npz;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small reader of the NumPy {@code .npy} format (versions 1-3): magic {@code \x93NUMPY}, version, header length,
 * a Python dict literal {@code {'descr': '<f8', 'fortran_order': False, 'shape': (T, N, C), }}, then the raw values.
 * Numeric dtypes f8, f4, i8, i4, i2, u1 in either byte order; C order only.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([fiu])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** Reads one array; {@code name} is used in error messages. */
    public static NpyArray read(InputStream stream, String name) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        byte[] magic = new byte[6];
        readFully(in, magic, name, "magic");
        for (int i = 0; i < MAGIC.length; i++) {
            if (magic[i] != MAGIC[i]) {
                throw new IOException(name + ": not a .npy array (bad magic)");
            }
        }
        int major = in.readUnsignedByte();
        in.readUnsignedByte();
        int headerLength;
        if (major == 1) {
            headerLength = in.readUnsignedByte() | (in.readUnsignedByte() << 8);
        } else if (major == 2 || major == 3) {
            byte[] len = new byte[4];
            readFully(in, len, name, "header length");
            headerLength = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getInt();
        } else {
            throw new IOException(name + ": unsupported .npy version " + major);
        }
        byte[] headerBytes = new byte[headerLength];
        readFully(in, headerBytes, name, "header");
        String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);

        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shapeMatch = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shapeMatch.find()) {
            throw new IOException(name + ": unreadable .npy header: " + header.trim());
        }
        if (fortran.group(1).equals("True")) {
            throw new IOException(name + ": Fortran-order arrays are not supported");
        }
        ByteOrder order = descr.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        char kind = descr.group(2).charAt(0);
        int size = Integer.parseInt(descr.group(3));
        int[] shape = parseShape(shapeMatch.group(1), name);
        long count = 1;
        for (int d : shape) {
            count *= d;
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw new IOException(name + ": array of " + count + " values is too large");
        }
        double[] data = new double[(int) count];
        byte[] chunk = new byte[size * 8192];
        ByteBuffer view = ByteBuffer.wrap(chunk).order(order);
        int done = 0;
        while (done < count) {
            int n = (int) Math.min(8192, count - done);
            try {
                in.readFully(chunk, 0, n * size);
            } catch (EOFException e) {
                throw new IOException(name + ": data ends after " + done + " of " + count
                        + " values (truncated file)");
            }
            view.clear();
            for (int k = 0; k < n; k++) {
                data[done + k] = value(view, kind, size, name);
            }
            done += n;
        }
        return new NpyArray(shape, data);
    }

    private static double value(ByteBuffer view, char kind, int size, String name) throws IOException {
        return switch (kind) {
            case 'f' -> switch (size) {
                case 8 -> view.getDouble();
                case 4 -> view.getFloat();
                default -> throw new IOException(name + ": unsupported float size " + size);
            };
            case 'i' -> switch (size) {
                case 8 -> view.getLong();
                case 4 -> view.getInt();
                case 2 -> view.getShort();
                case 1 -> view.get();
                default -> throw new IOException(name + ": unsupported int size " + size);
            };
            case 'u' -> switch (size) {
                case 1 -> view.get() & 0xff;
                case 2 -> view.getShort() & 0xffff;
                case 4 -> view.getInt() & 0xffffffffL;
                default -> throw new IOException(name + ": unsupported unsigned size " + size);
            };
            default -> throw new IOException(name + ": unsupported dtype kind " + kind);
        };
    }

    private static int[] parseShape(String text, String name) throws IOException {
        String[] parts = text.split(",");
        int n = 0;
        int[] shape = new int[parts.length];
        for (String p : parts) {
            String s = p.trim();
            if (!s.isEmpty()) {
                try {
                    shape[n++] = Integer.parseInt(s.replace("L", ""));
                } catch (NumberFormatException e) {
                    throw new IOException(name + ": bad shape (" + text + ")");
                }
            }
        }
        return java.util.Arrays.copyOf(shape, n);
    }

    private static void readFully(DataInputStream in, byte[] into, String name, String what) throws IOException {
        try {
            in.readFully(into);
        } catch (EOFException e) {
            throw new IOException(name + ": file ends inside the " + what + " (truncated file)");
        }
    }
}
