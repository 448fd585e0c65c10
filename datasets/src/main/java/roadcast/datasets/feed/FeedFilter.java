package roadcast.datasets.feed;

import java.util.EnumSet;
import java.util.Set;
import roadcast.reading.Source;

/**
 * Which rows of a feed to keep: the service mode's sources, and no row at all of the dark segments (roads the
 * service must cover without any reading of their own).
 *
 * @param sources the sources kept (null = every source)
 * @param dark    segment ids whose rows are all dropped (empty = none)
 */
public record FeedFilter(Set<Source> sources, Set<String> dark) {

    public static final FeedFilter ALL = new FeedFilter(null, Set.of());

    public FeedFilter {
        sources = sources == null ? null : Set.copyOf(EnumSet.copyOf(sources));
        dark = dark == null ? Set.of() : Set.copyOf(dark);
    }

    public boolean keeps(Source source, String segment) {
        return (sources == null || sources.contains(source)) && !dark.contains(segment);
    }
}
