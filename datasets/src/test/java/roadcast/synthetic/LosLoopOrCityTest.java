package roadcast.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LosLoopOrCityTest {

    @TempDir
    Path dir;

    @Test
    void withoutTheSharedDataAGeneratedCityIsUsedAndSaid() throws Exception {
        StringWriter said = new StringWriter();
        var data = LosLoopOrCity.load(null, Optional.empty(), 5, "test", new PrintWriter(said, true));
        assertEquals(60, data.history().segments());
        assertEquals(7 * 288, data.history().steps());
        assertTrue(said.toString().contains("not found") && said.toString().contains("generating a city of 60"),
                said.toString());
    }

    @Test
    void theGeneratedCityLeavesNoDirectoryBehind() throws Exception {
        // the city is read whole into memory, so its folder is not needed once loaded; it was left in /tmp on every
        // run (about 270 KB, one per demo or chaos run on a machine without the shared data, and per CI run). A
        // purpose of its own, so that other runs on the machine making roadcast-test-city folders do not count
        String purpose = "leak-" + UUID.randomUUID();
        var data = LosLoopOrCity.load(null, Optional.empty(), 5, purpose, new PrintWriter(new StringWriter()));
        assertEquals(60, data.history().segments());
        try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertEquals(List.of(), tmp.filter(p -> p.getFileName().toString().startsWith("roadcast-" + purpose))
                    .toList());
        }
    }

    @Test
    void aGivenDataSetWinsOverTheSharedOne() throws Exception {
        Path given = dir.resolve("given");
        new CityGenerator(CityConfig.of(12, 1, 15, 3, WeekProfiles.sharedOrBuiltIn(3))).generate(given, i -> { });
        var data = LosLoopOrCity.load(given, Optional.of(dir.resolve("absent")), 5, "test",
                new PrintWriter(new StringWriter()));
        assertEquals(12, data.history().segments());
        assertEquals(96, data.history().steps());
    }
}
