package roadcast.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Optional;
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
    void aGivenDataSetWinsOverTheSharedOne() throws Exception {
        Path given = dir.resolve("given");
        new CityGenerator(CityConfig.of(12, 1, 15, 3, WeekProfiles.sharedOrBuiltIn(3))).generate(given, i -> { });
        var data = LosLoopOrCity.load(given, Optional.of(dir.resolve("absent")), 5, "test",
                new PrintWriter(new StringWriter()));
        assertEquals(12, data.history().segments());
        assertEquals(96, data.history().steps());
    }
}
