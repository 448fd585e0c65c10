package roadcast.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Format 5 adds each zone's profile trend (half-window and weights) and a blend weight per regime; a format 4 model
 * still reads, without trend and with its one blend weight in both regimes: the forecast it always gave.
 */
class ModelFileFormat4Test {

    @Test
    void currentFormatKeepsTheTrendAndFormatFourReadsWithoutIt(@TempDir Path dir) throws Exception {
        ManifoldModel trained = ModelFileTest.model();
        ZoneModel[] zones = new ZoneModel[trained.zoneCount()];
        for (int z = 0; z < zones.length; z++) {
            ZoneModel zm = trained.zone(z);
            double[] trend = new double[zm.trend().length];
            Arrays.setAll(trend, c -> 0.25 * (c % 5));
            double[] blend = new double[zm.blend().length];
            Arrays.setAll(blend, c -> 0.05 * (c % 21));
            zones[z] = new ZoneModel(zm.segments(), zm.stepMillis(), zm.timeZone(), zm.leads(), zm.rank(),
                    zm.order(), zm.lambda(), zm.eps(), zm.bandZ(), zm.profile(), zm.basis(), zm.dynamics(), zm.local(),
                    zm.sigma(), zm.band(), blend, 7, trend);
        }
        double[] freeFlow = new double[trained.network().size()];
        Arrays.setAll(freeFlow, trained::freeFlowSpeed);
        ManifoldModel model = new ManifoldModel(trained.card(), trained.network(), trained.unit(), trained.step(),
                trained.timeZone(), trained.horizonsMin(), zones, trained.zoneIds(), freeFlow, trained.credibility(),
                trained.skill());
        Path current = dir.resolve("v5.rcm");
        ModelFile.write(model, current);
        ManifoldModel back = ModelFile.read(current);
        for (int z = 0; z < zones.length; z++) {
            assertEquals(zones[z], back.zone(z), "format 5 keeps the trend's half-window and weights");
        }

        Path old = dir.resolve("v4.rcm");
        Files.write(old, ModelFileFormat1Test.olderFormat(model, dir, 4));
        ManifoldModel v4 = ModelFile.read(old);
        for (int z = 0; z < zones.length; z++) {
            ZoneModel zm = v4.zone(z);
            assertEquals(0, zm.trendHalfWindow());
            assertTrue(Arrays.stream(zm.trend()).allMatch(c -> c == 0.0), "format 4 has no trend");
            ZoneModel written = zones[z];
            double[] firstRegime = new double[written.horizons() * written.size()];
            for (int h = 0; h < written.horizons(); h++) {
                System.arraycopy(written.blend(), ZoneModel.blendIndex(h, 0, 0, written.size()), firstRegime,
                        h * written.size(), written.size());
            }
            assertEquals(written.withoutTrend().withoutJump().withBands(written.sigma(), written.band(),
                    ZoneModel.regimeBlend(firstRegime, written.horizons(), written.size())), zm,
                    "format 4's one blend weight serves both regimes; everything else reads as written");
        }
    }
}
