package roadcast.trainjob;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The driver's cleaned training rows on its local disk, [T][N] floats row after row: written once while the history
 * is streamed in, then read back by row (the zoning's sampled rows) and in order (the zone histories). The driver
 * so holds one row at a time, never the history; the file is deleted on close.
 */
final class RowSpill implements AutoCloseable {

    private final Path file;
    private final FileChannel channel;
    private final int segments;
    private final ByteBuffer buffer;
    private final FloatBuffer floats;
    private int rows;

    RowSpill(int segments) throws IOException {
        this.file = Files.createTempFile("roadcast-train-", ".rows");
        this.channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.DELETE_ON_CLOSE);
        this.segments = segments;
        this.buffer = ByteBuffer.allocate(segments * Float.BYTES);
        this.floats = buffer.asFloatBuffer();
    }

    /** Appends the next row. */
    void append(float[] row) {
        floats.clear();
        floats.put(row, 0, segments);
        buffer.clear();
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer, (long) rows * buffer.capacity() + buffer.position());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the training rows to " + file, e);
        }
        rows++;
    }

    int rows() {
        return rows;
    }

    /** Row t into {@code into} (length N); returns it. */
    float[] read(int t, float[] into) {
        if (t < 0 || t >= rows) {
            throw new IndexOutOfBoundsException("row " + t + " of " + rows);
        }
        buffer.clear();
        try {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, (long) t * buffer.capacity() + buffer.position()) < 0) {
                    throw new IOException("end of file at row " + t);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the training rows from " + file, e);
        }
        floats.clear();
        floats.get(into, 0, segments);
        return into;
    }

    @Override
    public void close() throws IOException {
        channel.close();
        Files.deleteIfExists(file);
    }
}
