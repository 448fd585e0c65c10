package roadcast.datasets.csv;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import roadcast.datasets.DatasetFormatException;

/**
 * A byte-level CSV field scanner for large numeric files: one reusable field buffer, numbers parsed straight from
 * the bytes, so reading a value allocates nothing. Handles gzip (by magic bytes), CRLF, blank lines (skipped) and
 * double-quoted fields. Tracks the 1-based line of the current field for error messages.
 */
public final class CsvScanner implements Closeable {

    /** {@link #next()} result: the line continues after this field. */
    public static final int MORE = ',';
    /** {@link #next()} result: this field ended its line. */
    public static final int END_OF_LINE = '\n';
    /** {@link #next()} result: no more fields. */
    public static final int END_OF_FILE = -1;

    /** Exact powers of ten: 10^k for k <= 22 is exactly representable as a double. */
    private static final double[] POW10 = new double[23];
    /** Mantissas below 2^53 are exact doubles, so mantissa / 10^k is correctly rounded. */
    private static final long EXACT_MANTISSA = 1L << 53;

    static {
        double p = 1;
        for (int k = 0; k < POW10.length; k++) {
            POW10[k] = p;
            p *= 10;
        }
    }

    private final InputStream in;
    private final String file;
    private final byte[] buffer = new byte[1 << 18];
    private int pos;
    private int limit;
    private byte[] field = new byte[128];
    private int fieldLength;
    private long line = 1;
    private boolean pendingNewLine;
    private boolean lineStart = true;
    private int terminator;

    public CsvScanner(InputStream in, String file) {
        this.in = in;
        this.file = file;
    }

    /** Opens a plain or gzip-compressed file (detected by its magic bytes, not its name). */
    public static CsvScanner open(Path file) {
        try {
            BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 20);
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream in = (b0 == 0x1f && b1 == 0x8b) ? new GZIPInputStream(raw, 1 << 20) : raw;
            return new CsvScanner(in, file.toString());
        } catch (IOException e) {
            throw new DatasetFormatException(file, "cannot open: " + e.getMessage(), e);
        }
    }

    public String file() {
        return file;
    }

    /** 1-based line of the field last returned. */
    public long line() {
        return line;
    }

    /**
     * Reads the next field into the field buffer.
     *
     * @return {@link #MORE}, {@link #END_OF_LINE}, or {@link #END_OF_FILE} (then there is no field)
     */
    public int next() {
        if (pendingNewLine) {
            line++;
            pendingNewLine = false;
        }
        fieldLength = 0;
        boolean quoted = false;
        while (true) {
            if (pos == limit && !fill()) {
                if (quoted) {
                    throw error("unterminated quoted field");
                }
                if (lineStart) {
                    return END_OF_FILE;
                }
                lineStart = true;
                return END_OF_LINE;
            }
            byte b = buffer[pos++];
            if (quoted) {
                if (b == '"') {
                    if (peek() == '"') {
                        pos++;
                        append(b);
                    } else {
                        quoted = false;
                    }
                } else {
                    if (b == '\n') {
                        line++;
                    }
                    append(b);
                }
                continue;
            }
            switch (b) {
                case ',' -> {
                    lineStart = false;
                    return MORE;
                }
                case '\n' -> {
                    if (lineStart && fieldLength == 0) {
                        line++; // blank line: skipped
                        continue;
                    }
                    lineStart = true;
                    pendingNewLine = true;
                    return END_OF_LINE;
                }
                case '\r' -> {
                    // CRLF: the \n that follows ends the line
                }
                case '"' -> {
                    if (fieldLength == 0) {
                        quoted = true;
                        lineStart = false;
                    } else {
                        append(b);
                    }
                }
                default -> {
                    lineStart = false;
                    append(b);
                }
            }
        }
    }

    /**
     * The next field as a number, exactly {@link #next()} then {@link #fieldDouble(String, String)} (same value, bit
     * for bit, same errors), its terminator then in {@link #terminator()}. The common cell of a wide file - an
     * empty field or a plain decimal such as {@code -12.75}, wholly inside the read buffer and ended by ',' or a
     * bare '\n' - is parsed in one pass straight from the read buffer; anything else (quotes, spaces, CR, exponents,
     * words, many digits, a field split across two reads) takes the general path from the field's first byte. After
     * the one-pass case {@link #fieldString()} does not hold the field.
     */
    public double nextDouble(String what, String name) {
        if (pendingNewLine) {
            line++;
            pendingNewLine = false;
        }
        final byte[] b = buffer;
        int i = pos;
        final int end = limit;
        if (i < end && b[i] == ',') {
            // empty cell: a missing reading
            pos = i + 1;
            lineStart = false;
            fieldLength = 0;
            terminator = MORE;
            return Double.NaN;
        }
        int j = i;
        while (j < end && b[j] != ',' && b[j] != '\n') {
            j++;
        }
        if (j == end) {
            return generalDouble(what, name); // the field runs past the read buffer
        }
        double value = plainDecimal(b, i, j);
        if (Double.isNaN(value)) {
            return generalDouble(what, name);
        }
        pos = j + 1;
        fieldLength = 0;
        if (b[j] == ',') {
            lineStart = false;
            terminator = MORE;
        } else {
            lineStart = true;
            pendingNewLine = true;
            terminator = END_OF_LINE;
        }
        return value;
    }

    /**
     * {@code b[s, e)} read as a plain decimal (optional sign, digits, at most one '.', at least one digit, a mantissa
     * below 2^53), as mantissa / 10^fraction: exact division by an exact power of ten; NaN when it is anything else,
     * for the caller's general path (a plain decimal is never NaN).
     */
    private static double plainDecimal(byte[] b, int s, int e) {
        int i = s;
        boolean negative = false;
        if (i < e && (b[i] == '-' || b[i] == '+')) {
            negative = b[i] == '-';
            i++;
        }
        long mantissa = 0;
        int digits = 0;
        int fraction = -1;
        for (; i < e; i++) {
            byte c = b[i];
            if (c >= '0' && c <= '9') {
                if (mantissa >= EXACT_MANTISSA / 10) {
                    return Double.NaN;
                }
                mantissa = mantissa * 10 + (c - '0');
                digits++;
                if (fraction >= 0) {
                    fraction++;
                }
            } else if (c == '.' && fraction < 0) {
                fraction = 0;
            } else {
                return Double.NaN;
            }
        }
        if (digits == 0) {
            return Double.NaN;
        }
        double value = fraction > 0 ? mantissa / POW10[fraction] : mantissa;
        return negative ? -value : value;
    }

    /** How the field last read by {@link #nextDouble} ended: {@link #MORE}, {@link #END_OF_LINE} or {@link #END_OF_FILE}. */
    public int terminator() {
        return terminator;
    }

    private double generalDouble(String what, String name) {
        terminator = next();
        return terminator == END_OF_FILE ? Double.NaN : fieldDouble(what, name);
    }

    /** Skips the rest of the current line (after a field that returned {@link #MORE}). */
    public void skipLine() {
        int term;
        do {
            term = next();
        } while (term == MORE);
    }

    public boolean fieldIsEmpty() {
        int s = 0;
        while (s < fieldLength && field[s] == ' ') {
            s++;
        }
        return s == fieldLength;
    }

    public String fieldString() {
        return new String(field, 0, fieldLength, StandardCharsets.UTF_8).trim();
    }

    /**
     * The field as a number: empty, "nan", "NaN", "NA" or "null" give NaN; anything else that is not a number is an
     * error naming file, line and {@code what}.
     */
    public double fieldDouble(String what) {
        return fieldDouble(what, "");
    }

    /**
     * {@link #fieldDouble(String)} with the error's subject in two parts ({@code what + name}, e.g. "column " and a
     * segment id), joined only when there is an error: a wide file's reader calls this once per cell, and joining
     * the two for every cell cost a string per cell.
     */
    public double fieldDouble(String what, String name) {
        int s = 0;
        int e = fieldLength;
        while (s < e && field[s] == ' ') {
            s++;
        }
        while (e > s && field[e - 1] == ' ') {
            e--;
        }
        if (s == e) {
            return Double.NaN;
        }
        double value = plainDecimal(field, s, e);
        return Double.isNaN(value) ? slowDouble(s, e, what, name) : value;
    }

    private double slowDouble(int s, int e, String what, String name) {
        String text = new String(field, s, e - s, StandardCharsets.UTF_8);
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        if (lower.equals("nan") || lower.equals("na") || lower.equals("null")) {
            return Double.NaN;
        }
        try {
            if (lower.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([e][+-]?\\d+)?|[+-]?infinity")) {
                return Double.parseDouble(text);
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw error("not a number in " + what + name + ": '" + text + "'");
    }

    public DatasetFormatException error(String problem) {
        return new DatasetFormatException(file, line, problem);
    }

    private void append(byte b) {
        if (fieldLength == field.length) {
            field = java.util.Arrays.copyOf(field, field.length * 2);
        }
        field[fieldLength++] = b;
    }

    private int peek() {
        if (pos == limit && !fill()) {
            return -1;
        }
        return buffer[pos];
    }

    private boolean fill() {
        try {
            int n = in.read(buffer, 0, buffer.length);
            if (n <= 0) {
                return false;
            }
            pos = 0;
            limit = n;
            return true;
        } catch (java.io.EOFException e) {
            throw new DatasetFormatException(file, line, "file ends unexpectedly (truncated gzip?)");
        } catch (IOException e) {
            throw new DatasetFormatException(file, line, "cannot read: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
