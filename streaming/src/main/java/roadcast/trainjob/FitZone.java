package roadcast.trainjob;

import java.net.InetAddress;

import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.core.fs.Path;

import roadcast.fit.ManifoldTrainer;
import roadcast.fit.TrainingConfig;
import roadcast.fit.ZoneFitter;
import roadcast.manifold.ProfileGrid;

/**
 * Fits one zone on a TaskManager: reads the zone's history file, runs {@link ZoneFitter#fitZone} (the local trainer's
 * function, not a copy), writes the part. The fit is a pure function of the zone's data, so an exception from it
 * (degenerate data) is reported in the outcome with the zone's id, not thrown: failover would only repeat it; the
 * driver then refuses the model as the local trainer does. The outcome goes to the run folder
 * ({@link ZoneHistoryFiles#writeOutcome}), where the driver reads it once the job has finished. A failure around it (file system, a lost TaskManager)
 * fails the task, and Flink's batch failover reruns it.
 */
final class FitZone extends RichMapFunction<Integer, ZoneOutcome> {

    private static final long serialVersionUID = 1L;

    private final String run;
    private final TrainingConfig config;

    private final roadcast.history.SpeedUnit unit;
    private final roadcast.network.RoadClass[][] classes;

    /** @param classes road classes of each zone's segments, index = zone, or null (no level counts, holds 0) */
    FitZone(String run, TrainingConfig config, roadcast.history.SpeedUnit unit, roadcast.network.RoadClass[][] classes) {
        this.run = run;
        this.config = config;
        this.unit = unit;
        this.classes = classes;
    }

    @Override
    public ZoneOutcome map(Integer zone) throws Exception {
        long start = System.nanoTime();
        Path runPath = new Path(run);
        ZoneHistoryFiles.ZoneHistory h = ZoneHistoryFiles.read(runPath, zone);
        int[] profileRow = ManifoldTrainer.profileRows(h.firstMillis(), h.steps(), h.stepMillis(), h.timeZone());
        String worker = InetAddress.getLocalHost().getHostName() + "/" + ProcessHandle.current().pid();
        ZoneFitter.Result result;
        try {
            result = ZoneFitter.fitZone(h.x(), h.segments(), profileRow, h.firstMillis(), h.stepMillis(),
                    h.timeZone(), h.leads(), config, ProfileGrid.defaultSlotMillis(h.stepMillis()), unit,
                    classes == null ? null : classes[zone]);
        } catch (RuntimeException e) {
            return reported(runPath, new ZoneOutcome(zone, h.segments().length, e.getClass().getSimpleName() + ": "
                    + e.getMessage(), (System.nanoTime() - start) / 1e9, worker));
        }
        ZoneHistoryFiles.writePart(runPath, zone, result);
        return reported(runPath, new ZoneOutcome(zone, h.segments().length, null, (System.nanoTime() - start) / 1e9,
                worker));
    }

    private static ZoneOutcome reported(Path run, ZoneOutcome outcome) throws java.io.IOException {
        ZoneHistoryFiles.writeOutcome(run, outcome);
        return outcome;
    }
}
