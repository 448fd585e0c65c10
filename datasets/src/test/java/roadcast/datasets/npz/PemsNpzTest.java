package roadcast.datasets.npz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roadcast.datasets.Dataset;
import roadcast.datasets.DatasetFormatException;
import roadcast.datasets.DatasetLoader;
import roadcast.datasets.Fixtures;

class PemsNpzTest {

    @TempDir
    Path dir;

    /** value(t, i, k) = 100 t + 10 i + k: each channel checkable by hand. */
    private static double value(int t, int i, int k) {
        return 100 * t + 10 * i + k + 0.5;
    }

    /** A .npy v1 of shape (T, N, C), little-endian f8 or f4, in C order, as numpy.save writes it. */
    static byte[] npy(int t, int n, int c, boolean float32) {
        String dict = "{'descr': '<f" + (float32 ? 4 : 8) + "', 'fortran_order': False, 'shape': (" + t + ", " + n
                + ", " + c + "), }";
        int unpadded = 10 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        int size = float32 ? 4 : 8;
        ByteBuffer buffer = ByteBuffer.allocate(10 + header.length() + t * n * c * size).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        buffer.putShort((short) header.length());
        buffer.put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (int a = 0; a < t; a++) {
            for (int b = 0; b < n; b++) {
                for (int k = 0; k < c; k++) {
                    if (float32) {
                        buffer.putFloat((float) value(a, b, k));
                    } else {
                        buffer.putDouble(value(a, b, k));
                    }
                }
            }
        }
        return buffer.array();
    }

    static Path npz(Path file, byte[] npy) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry("data.npy"));
            zip.write(npy);
            zip.closeEntry();
        }
        return file;
    }

    @Test
    void readsFlowOccupancySpeedChannels() throws IOException {
        for (boolean float32 : new boolean[] {false, true}) {
            Path file = npz(dir.resolve("pems" + float32 + ".npz"), npy(4, 3, 3, float32));
            PemsNpz.Channels channels = PemsNpz.read(file);
            assertEquals(4, channels.steps());
            assertEquals(3, channels.sensors());
            for (int t = 0; t < 4; t++) {
                for (int i = 0; i < 3; i++) {
                    assertEquals((float) value(t, i, 0), channels.flow()[t][i]);
                    assertEquals((float) value(t, i, 1), channels.occupancy()[t][i]);
                    assertEquals((float) value(t, i, 2), channels.speed()[t][i]);
                }
            }
        }
    }

    @Test
    void twoDimensionalArrayIsSpeedOnly() throws IOException {
        // (T, N, 1) with the last axis dropped = (T, N)
        byte[] three = npy(2, 2, 1, false);
        String text = new String(three, StandardCharsets.ISO_8859_1).replace("(2, 2, 1)", "(2, 2)   ");
        PemsNpz.Channels channels = PemsNpz.read(npz(dir.resolve("two.npz"),
                text.getBytes(StandardCharsets.ISO_8859_1)));
        assertNull(channels.flow());
        assertEquals((float) value(1, 1, 0), channels.speed()[1][1]);
    }

    @Test
    void loaderTakesStartAndConventionsFromTheReadme() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("pems"));
        npz(folder.resolve("pems08.npz"), npy(3, 2, 3, false));
        Fixtures.write(folder.resolve("README.md"), "Speeds in mph, Local (Pacific) time. Start 2016-07-01T00:00:00.");
        Fixtures.write(folder.resolve("edges.csv"), "from,to,distance\n0,1,310.6\n");
        Dataset d = DatasetLoader.load(folder);
        assertEquals(LocalDateTime.of(2016, 7, 1, 0, 0), d.history().start());
        assertEquals("1", d.history().segmentIds()[1]);
        assertEquals(1, d.network().links().size());
        assertEquals((float) value(2, 1, 2), d.history().speed()[2][1]);
        assertEquals((float) value(2, 1, 0), d.history().flow()[2][1]);
    }

    @Test
    void truncatedOrFlowOnlyFilesAreRefused() throws IOException {
        Path whole = npz(dir.resolve("whole.npz"), npy(50, 20, 3, false));
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = dir.resolve("cut.npz");
        try (OutputStream out = Files.newOutputStream(cut)) {
            out.write(bytes, 0, bytes.length / 2);
        }
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> PemsNpz.read(cut));
        assertTrue(e.getMessage().contains("cut.npz") && e.getMessage().contains("not a valid .npz"), e.getMessage());

        Path flowOnly = npz(dir.resolve("pems03.npz"), npy(2, 2, 1, false));
        assertTrue(assertThrows(DatasetFormatException.class, () -> PemsNpz.read(flowOnly)).getMessage()
                .contains("flow only"));

        ByteArrayOutputStream notNpy = new ByteArrayOutputStream();
        notNpy.write("hello, this is not an array".getBytes(StandardCharsets.US_ASCII));
        Path junk = npz(dir.resolve("junk.npz"), notNpy.toByteArray());
        assertTrue(assertThrows(DatasetFormatException.class, () -> PemsNpz.read(junk)).getMessage()
                .contains("bad magic"));
    }
}
