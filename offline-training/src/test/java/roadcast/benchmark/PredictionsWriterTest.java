package roadcast.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictionsWriterTest {

    private static String fixed4(double x) {
        StringBuilder sb = new StringBuilder();
        PredictionsWriter.appendFixed4(sb, x);
        return sb.toString();
    }

    @Test
    void formatsFourDecimalsLikeStringFormat() {
        for (double x : new double[] {0, 1, 62.66666667, 64.375, -0.00004, -3.14159, 0.00005, 99.99996, 1e6 / 3}) {
            String expected = String.format(java.util.Locale.ROOT, "%.4f", x);
            if (expected.equals("-0.0000")) {
                expected = "0.0000";
            }
            assertEquals(Double.parseDouble(expected), Double.parseDouble(fixed4(x)), 1e-12, "value " + x);
        }
        assertEquals("62.6667", fixed4(62.66666667));
        assertEquals("-3.1416", fixed4(-3.14159));
        assertEquals("0.0500", fixed4(0.05));
        assertEquals("NaN", fixed4(Double.NaN));
    }

    @Test
    void writesOneRowPerSegmentWithIsoIssueTimeAndLeadInMinutes(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("p.csv.gz");
        try (PredictionsWriter w = new PredictionsWriter(file, LocalDateTime.of(2015, 1, 1, 0, 0),
                Duration.ofMinutes(15), new String[] {"90217", "90218"})) {
            w.accept(4, 2, new double[] {17.25, 3.0}, new double[] {15.0, 1.0}, new double[] {19.5, 4.0});
            w.accept(5, 1, new double[] {1.0 / 3, Double.NaN}, null, null);
            assertEquals(4, w.rows());
        }
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
            assertEquals(List.of(PredictionsWriter.HEADER, "2015-01-01T01:00:00,30,90217,17.2500,15.0000,19.5000",
                    "2015-01-01T01:00:00,30,90218,3.0000,1.0000,4.0000", "2015-01-01T01:15:00,15,90217,0.3333,,",
                    "2015-01-01T01:15:00,15,90218,NaN,,"), in.lines().toList());
        }
    }
}
