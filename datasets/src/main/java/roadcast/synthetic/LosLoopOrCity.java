package roadcast.synthetic;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import roadcast.datasets.Dataset;
import roadcast.datasets.DatasetLoader;
import roadcast.datasets.SharedDatasets;
import roadcast.scratch.ScratchDirectory;

/**
 * The data set a command runs on when the user names none: the one given, else Los-loop from {@code ../shared},
 * else (a fresh machine without the shared data) a generated city of 60 segments, so that {@code demo} and
 * {@code chaos} work anywhere and say which they used.
 */
public final class LosLoopOrCity {

    private static final int CITY_SEGMENTS = 60;
    private static final int CITY_DAYS = 7;
    private static final int CITY_STEP_MINUTES = 5;

    private LosLoopOrCity() {
    }

    /** {@code --dataset} of the commands that replay this data set ({@code demo}, {@code chaos}). */
    public static final class DatasetOption {

        @picocli.CommandLine.Option(names = "--dataset", paramLabel = "DIR",
                description = "Data set to replay (any layout 'roadcast train' reads) (default: "
                        + "../shared/datasets/los-loop if present, else a generated city of 60 segments and 7 days).")
        Path dataset;

        /** The data set given, else Los-loop, else a generated city ({@link LosLoopOrCity#load}). */
        public Dataset load(long seed, String purpose, PrintWriter out) throws IOException {
            return LosLoopOrCity.load(dataset, seed, purpose, out);
        }
    }

    /**
     * @param given   the data set the user named, or null
     * @param seed    the generated city's seed (only used when Los-loop is absent)
     * @param purpose names the temporary folder of a generated city ({@code roadcast-PURPOSE-city}, deleted once the
     *                city is loaded)
     */
    public static Dataset load(Path given, long seed, String purpose, PrintWriter out) throws IOException {
        return load(given, SharedDatasets.find("los-loop"), seed, purpose, out);
    }

    static Dataset load(Path given, Optional<Path> shared, long seed, String purpose, PrintWriter out)
            throws IOException {
        if (given != null) {
            return DatasetLoader.load(given);
        }
        if (shared.isPresent()) {
            out.println("data set: " + shared.get());
            return DatasetLoader.load(shared.get());
        }
        out.println(SharedDatasets.absentMessage("los-loop") + "; generating a city of " + CITY_SEGMENTS
                + " segments");
        // the loaded data set is all in memory, so the city's files are not needed once read: deleted here (they
        // were left in /tmp by every demo, chaos and test run on a machine without the shared data)
        try (ScratchDirectory city = ScratchDirectory.create("roadcast-" + purpose + "-city")) {
            new CityGenerator(CityConfig.of(CITY_SEGMENTS, CITY_DAYS, CITY_STEP_MINUTES, seed,
                    WeekProfiles.sharedOrBuiltIn(seed))).generate(city.path(), i -> { });
            return DatasetLoader.load(city.path());
        }
    }
}
