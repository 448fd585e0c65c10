package roadcast.serve;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import roadcast.purge.DataPurge;
import roadcast.store.OnlineStore;
import roadcast.store.PurgeResult;
import roadcast.store.StoreException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code roadcast serve purge}: deletes users' data from a stopped store (the service terms promise deletion on
 * request). A running server does the same through {@code DELETE /api/admin/data} with an admin key.
 */
@Command(name = "purge", mixinStandardHelpOptions = true,
    description = {"Deletes data from the online store for good and reports what was deleted.",
        "Exactly one of --segment, --source, --before. The store must not be in use by a running 'roadcast serve' "
            + "(use DELETE /api/admin/data?segment=ID with an admin key there).",
        "Deleted means gone from the store's files: range deletes, then a flush and a full compaction."})
public final class ServePurgeCommand implements Callable<Integer> {

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Selector selector;

    static final class Selector {
        @Option(names = "--segment", paramLabel = "ID", description = "Everything about one segment: history, latest values and the "
            + "dead letters whose payload names it.")
        String segment;

        @Option(names = "--source", paramLabel = "NAME", description = "Every observation from one source (loop, floating-car, cellular, "
            + "other); forecasts stay.")
        String source;

        @Option(names = "--before", paramLabel = "T", description = "History with event times before T, latest values older than T and "
            + "dead letters rejected before T (ISO-8601, e.g. 2012-03-01T00:00:00Z, or epoch milliseconds).")
        String before;
    }

    @Option(names = "--store", paramLabel = "DIR", required = true, description = "Directory of the RocksDB online store.")
    Path store;

    @Override
    public Integer call() {
        if (!Files.isDirectory(store)) {
            System.err.println("serve purge: no store at " + store);
            return 2;
        }
        PurgeResult r;
        try (OnlineStore s = OnlineStore.open(store, Duration.ofDays(3650))) {
            r = DataPurge.purge(s, selector.segment, selector.source, selector.before);
        } catch (IllegalArgumentException | StoreException e) {
            System.err.println("serve purge: " + e.getMessage());
            return 2;
        }
        // reopening writes a fresh MANIFEST, which drops the old files' boundary keys (segment ids) too
        OnlineStore.open(store, Duration.ofDays(3650)).close();
        System.out.printf("Purged %s from %s: %d observations, %d forecasts, %d latest values, %d dead letters%n",
            r.selector(), store, r.observations(), r.forecasts(), r.latest(), r.deadLetters());
        return 0;
    }
}
