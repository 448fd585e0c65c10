package roadcast.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import roadcast.reading.Source;

/** Reading a source name from a parser's characters means what reading it from a String means. */
class SourceNamesTest {

    @Test
    void namesInACharacterBufferMeanWhatTheirStringsMean() {
        String[] names = {"loop", "floating_car", "cellular", "other", "LOOP", " loop", "loop ", "Floating-Car", "fcd",
                "FCD", "floating car", "loo", "loopy", "", " ", "othe", "others", "cellular\t", "radar"};
        for (String name : names) {
            // at an offset inside a larger buffer, as Jackson's text buffer holds a value
            char[] buffer = ("xx" + name + "yyy").toCharArray();
            assertEquals(SourceNames.parse(name), SourceNames.parse(buffer, 2, name.length()), name);
        }
        for (Source source : Source.values()) {
            char[] name = SourceNames.name(source).toCharArray();
            assertEquals(source, SourceNames.parse(name, 0, name.length));
        }
    }
}
