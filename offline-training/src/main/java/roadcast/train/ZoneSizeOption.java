package roadcast.train;

import picocli.CommandLine.Option;

/**
 * {@code --max-zone-size}, declared once for every command that zones a network: {@code train}, {@code benchmark} and
 * {@code bench-forecast} (through {@link TrainingOptions}), {@code retrain} and {@code demo}.
 */
public final class ZoneSizeOption {

    @Option(names = "--max-zone-size", paramLabel = "N", defaultValue = "256",
            description = "Most segments in one zone (default: ${DEFAULT-VALUE}).")
    int maxZoneSize = 256;

    public int maxZoneSize() {
        return maxZoneSize;
    }
}
