package roadcast.model;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Objects;

import roadcast.clean.CredibilityRules;
import roadcast.history.SpeedUnit;
import roadcast.kriging.KrigingModel;
import roadcast.network.RoadNetwork;
import roadcast.skill.SkillTable;

/**
 * A trained forecasting model of a whole road network (immutable): the network split into zones, one
 * {@link ZoneModel} per zone, free-flow speeds, the credibility rules used to clean its training data, its skill
 * table and its {@link ModelCard}.
 */
public final class ManifoldModel {

    private final ModelCard card;
    private final RoadNetwork network;
    private final SpeedUnit unit;
    private final Duration step;
    private final ZoneId timeZone;
    private final int[] horizonsMin;
    private final HorizonLeads leads;
    private final ZoneModel[] zones;
    private final double[] freeFlow;
    private final CredibilityRules credibility;
    private final SkillTable skill;
    private final int[] zoneIds;
    private final int[] zoneOf;
    private final int[] localIndex;
    private final KrigingModel kriging;
    private final double[] levelHold;

    /** A model whose zone ids are its zone indices 0..zones-1 (as every model of file format 1). */
    public ManifoldModel(ModelCard card, RoadNetwork network, SpeedUnit unit, Duration step, ZoneId timeZone,
                         int[] horizonsMin, ZoneModel[] zones, double[] freeFlow, CredibilityRules credibility,
                         SkillTable skill) {
        this(card, network, unit, step, timeZone, horizonsMin, zones, null, freeFlow, credibility, skill, null);
    }

    /**
     * @param zoneIds stable id of each zone index (distinct, non-negative; kept across retrains for a zone whose
     *                segments stay, never given to a different set); null = the indices
     */
    public ManifoldModel(ModelCard card, RoadNetwork network, SpeedUnit unit, Duration step, ZoneId timeZone,
                         int[] horizonsMin, ZoneModel[] zones, int[] zoneIds, double[] freeFlow,
                         CredibilityRules credibility, SkillTable skill) {
        this(card, network, unit, step, timeZone, horizonsMin, zones, zoneIds, freeFlow, credibility, skill, null);
    }

    /**
     * @param zoneIds stable id of each zone index (distinct, non-negative; kept across retrains for a zone whose
     *                segments stay, never given to a different set); null = the indices
     * @param kriging the coverage extension to roads without data (null = none): its neighbours must be segments of
     *                the zones it names
     */
    public ManifoldModel(ModelCard card, RoadNetwork network, SpeedUnit unit, Duration step, ZoneId timeZone,
                         int[] horizonsMin, ZoneModel[] zones, int[] zoneIds, double[] freeFlow,
                         CredibilityRules credibility, SkillTable skill, KrigingModel kriging) {
        this(card, network, unit, step, timeZone, horizonsMin, zones, zoneIds, freeFlow, credibility, skill, kriging,
                null);
    }

    /**
     * @param levelHold the level hold of each horizon ({@link roadcast.congestion.LevelHold}, chosen on validation);
     *                  null = 0 at every horizon, the grade of the point forecast (every model before the hold)
     */
    public ManifoldModel(ModelCard card, RoadNetwork network, SpeedUnit unit, Duration step, ZoneId timeZone,
                         int[] horizonsMin, ZoneModel[] zones, int[] zoneIds, double[] freeFlow,
                         CredibilityRules credibility, SkillTable skill, KrigingModel kriging, double[] levelHold) {
        this.card = Objects.requireNonNull(card, "card");
        this.network = Objects.requireNonNull(network, "network");
        this.unit = Objects.requireNonNull(unit, "unit");
        this.step = Objects.requireNonNull(step, "step");
        this.timeZone = Objects.requireNonNull(timeZone, "timeZone");
        this.horizonsMin = horizonsMin.clone();
        this.leads = HorizonLeads.of(horizonsMin, step.toMillis());
        this.zones = zones.clone();
        if (zoneIds == null) {
            zoneIds = new int[zones.length];
            Arrays.setAll(zoneIds, z -> z);
        }
        if (zoneIds.length != zones.length) {
            throw new IllegalArgumentException(zoneIds.length + " zone ids for " + zones.length + " zones");
        }
        if (Arrays.stream(zoneIds).anyMatch(id -> id < 0) || Arrays.stream(zoneIds).distinct().count() != zoneIds.length) {
            throw new IllegalArgumentException("zone ids must be distinct and non-negative: " + Arrays.toString(zoneIds));
        }
        this.zoneIds = zoneIds.clone();
        this.freeFlow = freeFlow.clone();
        this.credibility = credibility;
        this.skill = Objects.requireNonNull(skill, "skill");
        int n = network.size();
        if (freeFlow.length != n) {
            throw new IllegalArgumentException(freeFlow.length + " free-flow speeds for " + n + " segments");
        }
        if (skill.segments() != n || skill.horizons() != horizonsMin.length) {
            throw new IllegalArgumentException("skill table is " + skill.segments() + " x " + skill.horizons()
                    + ", expected " + n + " x " + horizonsMin.length);
        }
        zoneOf = new int[n];
        localIndex = new int[n];
        Arrays.fill(zoneOf, -1);
        for (int z = 0; z < zones.length; z++) {
            ZoneModel zone = zones[z];
            if (!zone.leads().equals(leads) || zone.stepMillis() != step.toMillis()) {
                throw new IllegalArgumentException("zone " + z + " has horizons " + zone.leads() + " of "
                        + zone.stepMillis() + " ms, the model " + leads + " of " + step.toMillis() + " ms");
            }
            for (int k = 0; k < zone.size(); k++) {
                int s = zone.segment(k);
                if (s < 0 || s >= n) {
                    throw new IllegalArgumentException("zone " + z + " holds segment " + s + " outside the network of " + n);
                }
                if (zoneOf[s] >= 0) {
                    throw new IllegalArgumentException("segment " + s + " is in zones " + zoneOf[s] + " and " + z);
                }
                zoneOf[s] = z;
                localIndex[s] = k;
            }
        }
        for (int s = 0; s < n; s++) {
            if (zoneOf[s] < 0) {
                throw new IllegalArgumentException("segment " + s + " (" + network.segment(s).id() + ") is in no zone");
            }
        }
        this.levelHold = levelHold == null ? new double[horizonsMin.length] : levelHold.clone();
        if (this.levelHold.length != horizonsMin.length
                || Arrays.stream(this.levelHold).anyMatch(k -> !(k >= 0) || Double.isInfinite(k))) {
            throw new IllegalArgumentException("level hold must be one finite value >= 0 per horizon ("
                    + horizonsMin.length + "): " + Arrays.toString(this.levelHold));
        }
        this.kriging = kriging;
        if (kriging != null) {
            if (kriging.rows() != horizonsMin.length + 1) {
                throw new IllegalArgumentException("kriging has " + kriging.rows() + " horizon rows, the model "
                        + horizonsMin.length + " horizons + now");
            }
            for (int e = 0; e < kriging.size(); e++) {
                int z = kriging.zone()[e];
                if (z < 0 || z >= zones.length) {
                    throw new IllegalArgumentException("extended segment " + kriging.segments().get(e).id()
                            + " is in zone " + z + " of " + zones.length);
                }
                if (network.indexOf(kriging.segments().get(e).id()).isPresent()) {
                    throw new IllegalArgumentException("extended segment " + kriging.segments().get(e).id()
                            + " is also an observed segment");
                }
                for (int j = 0; j < kriging.k(); j++) {
                    int local = kriging.neighbours()[e * kriging.k() + j];
                    if (local < 0 || local >= zones[z].size()) {
                        throw new IllegalArgumentException("extended segment " + kriging.segments().get(e).id()
                                + " has neighbour " + local + " outside zone " + z + " of " + zones[z].size());
                    }
                }
            }
        }
    }

    /** The kriging layer for roads without data; null when the model has none. */
    public KrigingModel kriging() {
        return kriging;
    }

    /** The same model with a kriging layer (null = none). */
    public ManifoldModel withKriging(KrigingModel layer) {
        // the card counts the extended segments and the excluded ones (so `models` and the registry's card show them)
        ModelCard withCoverage = card.withCoverage(layer == null ? null : new ModelCard.CoverageCard(layer.size(),
                layer.excluded().size(), layer.excluded()));
        return new ManifoldModel(withCoverage, network, unit, step, timeZone, horizonsMin, zones, zoneIds, freeFlow, credibility, skill,
                layer, levelHold);
    }

    /**
     * The level hold of each horizon ({@link roadcast.congestion.LevelHold}): how far the calibrated band is scaled
     * toward the current speed before the announced level leaves the current one. The internal array: not to be
     * modified.
     */
    public double[] levelHold() {
        return levelHold;
    }

    /** The same model with these level holds (one per horizon). */
    public ManifoldModel withLevelHold(double[] holds) {
        return new ManifoldModel(card, network, unit, step, timeZone, horizonsMin, zones, zoneIds, freeFlow,
                credibility, skill, kriging, holds);
    }

    public String version() {
        return card.modelVersion();
    }

    public ModelCard card() {
        return card;
    }

    public RoadNetwork network() {
        return network;
    }

    public SpeedUnit unit() {
        return unit;
    }

    public Duration step() {
        return step;
    }

    public ZoneId timeZone() {
        return timeZone;
    }

    /** Lead times in minutes: 5..60 for 5-min data, 15..60 for 15-min data. */
    public int[] horizonsMin() {
        return horizonsMin.clone();
    }

    /** Steps ahead of each horizon index: {@link #horizonsMin()} divided by the step. */
    public HorizonLeads leads() {
        return leads;
    }

    public int zoneCount() {
        return zones.length;
    }

    /**
     * Stable id of the zone at this index: the same id in the next model version when the zone's segments stay, and
     * never the id of a different set of segments. Indices are dense (0..zoneCount-1) and may change between
     * versions; ids are what a person and the model card refer to.
     */
    public int zoneId(int zone) {
        return zoneIds[zone];
    }

    /** Zone ids by zone index. */
    public int[] zoneIds() {
        return zoneIds.clone();
    }

    /** Index of the zone with this stable id, or -1. */
    public int zoneIndexOfId(int id) {
        for (int z = 0; z < zoneIds.length; z++) {
            if (zoneIds[z] == id) {
                return z;
            }
        }
        return -1;
    }

    public int zoneOf(int segment) {
        return zoneOf[segment];
    }

    /** Position of a network segment inside its zone's arrays. */
    public int localIndexOf(int segment) {
        return localIndex[segment];
    }

    /** Network indices of a zone's segments, ascending. */
    public int[] segmentsOfZone(int zone) {
        return zones[zone].segments();
    }

    public ZoneModel zone(int zone) {
        return zones[zone];
    }

    public double freeFlowSpeed(int segment) {
        return freeFlow[segment];
    }

    public CredibilityRules credibility() {
        return credibility;
    }

    public SkillTable skill() {
        return skill;
    }

    public ManifoldModel withCard(ModelCard newCard) {
        return new ManifoldModel(newCard, network, unit, step, timeZone, horizonsMin, zones, zoneIds, freeFlow,
                credibility, skill, kriging, levelHold);
    }

    public ManifoldModel withVersion(String version) {
        return withCard(card.withModelVersion(version));
    }

    @Override
    public String toString() {
        return "ManifoldModel[" + card.modelVersion() + ", " + network.size() + " segments, " + zones.length + " zones]";
    }
}
