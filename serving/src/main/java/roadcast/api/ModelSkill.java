package roadcast.api;

import roadcast.forecast.Forecast;
import roadcast.model.ManifoldModel;
import roadcast.skill.Reliability;
import roadcast.skill.SkillTable;

import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;

/**
 * One model version's skill table with what it takes to read it for a forecast: segment ids in table order, the
 * horizons of its columns and the time zone of its day periods. Thread-safe (immutable).
 */
public final class ModelSkill implements ForecastSkill {

    private final String version;
    private final Map<String, Integer> indexById;
    private final int[] horizonsMin;
    private final ZoneId timeZone;
    private final SkillTable table;

    public ModelSkill(String version, String[] segmentIds, int[] horizonsMin, ZoneId timeZone, SkillTable table) {
        if (segmentIds.length != table.segments() || horizonsMin.length != table.horizons()) {
            throw new IllegalArgumentException("skill table is " + table.segments() + " x " + table.horizons()
                + ", given " + segmentIds.length + " segments and " + horizonsMin.length + " horizons");
        }
        this.version = version;
        this.indexById = new HashMap<>(segmentIds.length * 2);
        for (int i = 0; i < segmentIds.length; i++) {
            indexById.put(segmentIds[i], i);
        }
        this.horizonsMin = horizonsMin.clone();
        this.timeZone = timeZone;
        this.table = table;
    }

    public static ModelSkill of(ManifoldModel model) {
        return new ModelSkill(model.version(), model.network().segmentIds(), model.horizonsMin(), model.timeZone(),
            model.skill());
    }

    public String version() {
        return version;
    }

    /** The verdict by segment id and horizon in minutes (the forecast's own horizon index may differ from ours). */
    @Override
    public Reliability.Flag flag(Forecast forecast, int h) {
        Integer segment = indexById.get(forecast.segment());
        int column = HorizonColumn.of(horizonsMin, forecast.horizonsMin()[h]);
        if (segment == null || column < 0) {
            return Reliability.Flag.NO_EVIDENCE;
        }
        int minute = Instant.ofEpochMilli(forecast.issuedAt()).atZone(timeZone).toLocalTime().toSecondOfDay() / 60;
        return Reliability.of(table, segment, column, minute);
    }

}
