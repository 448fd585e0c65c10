package roadcast.datasets.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import roadcast.datasets.DatasetFormatException;

/**
 * {@link CsvScanner#nextDouble}, the wide reader's one-pass number path, gives what the general path
 * ({@link CsvScanner#next()} then {@link CsvScanner#fieldDouble}) gives: the same bits, terminators, lines and errors,
 * on tricky cells and with fields split across reads at every position.
 */
class CsvScannerNextDoubleTest {

    private static final String[] TRICKY = {
        "", "0", "-0", "+0", "0.0", "-0.0", "1", "-1", "+7", "12.5", "-12.75", "97.8", "0.1", "0.3", ".5", "-.5", "5.",
        "-5.", "NaN", "nan", "NA", "null", "1e3", "1E3", "-2.5e-3", "6.02E+23", "1e400", "-1e-400", "Infinity",
        "-Infinity", " 3.25", "3.25 ", " ", "\"4.5\"", "\"\"", "123456789012345678", "9007199254740993",
        "0.12345678901234567890", "99999999999999.99", "3.4028235E38", "0.000001", "1.7976931348623157E308", "4.9E-324",
        "00012.500", "-", "+", ".", "1.2.3", "abc", "1,5", "12-3", "--1", "1e", "0x10"
    };

    @Test
    void everyCellGivesTheSameBitsTerminatorAndLineAsTheGeneralPath() {
        StringBuilder csv = new StringBuilder();
        Random random = new Random(11);
        for (int row = 0; row < 60; row++) {
            int cells = 1 + random.nextInt(12);
            for (int c = 0; c < cells; c++) {
                if (c > 0) {
                    csv.append(',');
                }
                csv.append(TRICKY[random.nextInt(TRICKY.length)]);
            }
            csv.append(random.nextInt(5) == 0 ? "\r\n" : "\n");
            if (random.nextInt(10) == 0) {
                csv.append('\n'); // a blank line
            }
        }
        byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
        List<String> general = read(bytes, Integer.MAX_VALUE, false);
        assertEquals(true, general.size() > 300, "cells read: " + general.size());
        for (int chunk : new int[] {1, 2, 3, 5, 7, 13, 64, Integer.MAX_VALUE}) {
            assertEquals(general, read(bytes, chunk, true), "reads of at most " + chunk + " bytes");
        }
    }

    @Test
    void longRandomDecimalsGiveTheSameBits() {
        StringBuilder csv = new StringBuilder();
        Random random = new Random(5);
        for (int k = 0; k < 20_000; k++) {
            double v = (random.nextDouble() - 0.3) * Math.pow(10, random.nextInt(12) - 4);
            String s = random.nextBoolean() ? Double.toString(v)
                    : String.format(java.util.Locale.ROOT, "%." + random.nextInt(19) + "f", v);
            csv.append(s).append(k % 17 == 16 ? '\n' : ',');
        }
        csv.append('\n');
        byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
        List<String> general = read(bytes, Integer.MAX_VALUE, false);
        assertEquals(general, read(bytes, Integer.MAX_VALUE, true));
        assertEquals(general, read(bytes, 1000, true));
    }

    /** Each cell as "line:terminator:bits" or "line:error message", by either path, until the end of the file. */
    private static List<String> read(byte[] bytes, int chunk, boolean onePass) {
        CsvScanner in = new CsvScanner(new ChunkedStream(bytes, chunk), "tricky.csv");
        List<String> cells = new ArrayList<>();
        while (true) {
            String cell;
            int term;
            try {
                double value;
                if (onePass) {
                    value = in.nextDouble("column ", "x");
                    term = in.terminator();
                } else {
                    term = in.next();
                    value = term == CsvScanner.END_OF_FILE ? Double.NaN : in.fieldDouble("column ", "x");
                }
                cell = in.line() + ":" + term + ":" + Double.doubleToRawLongBits(value);
            } catch (DatasetFormatException e) {
                cell = in.line() + ":" + e.getMessage();
                term = 0;
            }
            if (term == CsvScanner.END_OF_FILE) {
                return cells;
            }
            cells.add(cell);
        }
    }

    /** Hands out at most {@code chunk} bytes per read, so that fields fall across the scanner's buffer refills. */
    private static final class ChunkedStream extends InputStream {
        private final ByteArrayInputStream in;
        private final int chunk;

        ChunkedStream(byte[] bytes, int chunk) {
            this.in = new ByteArrayInputStream(bytes);
            this.chunk = chunk;
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return in.read(b, off, Math.min(len, chunk));
        }
    }
}
