package roadcast.benchmark;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.zip.GZIPOutputStream;

import roadcast.evaluate.Backtest;

/**
 * Writes every test forecast as gzip CSV {@code issued_at,horizon_min,segment,predicted,lower,upper} (issue time as
 * ISO local time of the data set, 4 decimals; lower and upper are the 90% band, empty when the forecaster gives
 * none), so anyone can re-score a benchmark and its band coverage against the data set's own file. The columns are
 * those of the kriging protocol's file.
 */
public final class PredictionsWriter implements Backtest.ForecastSink, AutoCloseable {

    public static final String HEADER = "issued_at,horizon_min,segment,predicted,lower,upper";
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private final Writer out;
    private final LocalDateTime start;
    private final Duration step;
    private final long stepMinutes;
    private final String[] segmentIds;
    private final StringBuilder line = new StringBuilder(64);
    private int cachedRow = -1;
    private String cachedTime;
    private long rows;

    public PredictionsWriter(Path file, LocalDateTime start, Duration step, String[] segmentIds) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.out = new BufferedWriter(new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(file), 1 << 16),
                StandardCharsets.UTF_8), 1 << 16);
        this.start = start;
        this.step = step;
        this.stepMinutes = step.toMinutes();
        this.segmentIds = segmentIds.clone();
        out.write(HEADER);
        out.write('\n');
    }

    @Override
    public void accept(int issueRow, int leadSteps, double[] predicted, double[] lower, double[] upper)
            throws IOException {
        if (issueRow != cachedRow) {
            cachedTime = ISO.format(start.plus(step.multipliedBy(issueRow)));
            cachedRow = issueRow;
        }
        long horizonMin = leadSteps * stepMinutes;
        for (int i = 0; i < segmentIds.length; i++) {
            line.setLength(0);
            line.append(cachedTime).append(',').append(horizonMin).append(',').append(segmentIds[i]).append(',');
            appendFixed4(line, predicted[i]);
            line.append(',');
            if (lower != null) {
                appendFixed4(line, lower[i]);
            }
            line.append(',');
            if (upper != null) {
                appendFixed4(line, upper[i]);
            }
            line.append('\n');
            out.append(line);
        }
        rows += segmentIds.length;
    }

    /** Rows written so far (without the header). */
    public long rows() {
        return rows;
    }

    /** x rounded to 4 decimals without going through a String per value; NaN as "NaN". */
    static void appendFixed4(StringBuilder sb, double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            sb.append(x);
            return;
        }
        long scaled = Math.round(x * 10_000.0);
        if (scaled < 0) {
            sb.append('-');
            scaled = -scaled;
        }
        long whole = scaled / 10_000;
        long frac = scaled % 10_000;
        sb.append(whole).append('.');
        if (frac < 1000) {
            sb.append('0');
        }
        if (frac < 100) {
            sb.append('0');
        }
        if (frac < 10) {
            sb.append('0');
        }
        sb.append(frac);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
