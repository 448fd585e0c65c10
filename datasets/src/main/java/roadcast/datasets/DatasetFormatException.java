package roadcast.datasets;

import java.nio.file.Path;

/**
 * A data file that cannot be read as what it claims to be. The message always names the file, and the line where
 * one applies, so the user can open the file at the offending place.
 */
public class DatasetFormatException extends RuntimeException {

    private final String file;
    private final long line;

    /** A problem at a line (1-based) of a text file. */
    public DatasetFormatException(String file, long line, String problem) {
        super(file + ":" + line + ": " + problem);
        this.file = file;
        this.line = line;
    }

    /** A problem with the whole file (binary formats, missing files). */
    public DatasetFormatException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
        this.line = -1;
    }

    public DatasetFormatException(Path file, long line, String problem) {
        this(file.toString(), line, problem);
    }

    public DatasetFormatException(Path file, String problem) {
        this(file.toString(), problem, null);
    }

    public DatasetFormatException(Path file, String problem, Throwable cause) {
        this(file.toString(), problem, cause);
    }

    public String file() {
        return file;
    }

    /** 1-based line, or -1 when the problem is not tied to a line. */
    public long line() {
        return line;
    }
}
