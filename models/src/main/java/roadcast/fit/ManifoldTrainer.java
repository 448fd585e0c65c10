package roadcast.fit;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import roadcast.history.SpeedHistory;
import roadcast.manifold.LocalClock;
import roadcast.model.CodeVersion;
import roadcast.model.HorizonLeads;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelCard;
import roadcast.model.ModelFile;
import roadcast.model.ZoneModel;
import roadcast.network.RoadNetwork;
import roadcast.skill.DayPeriod;
import roadcast.skill.SkillTable;
import roadcast.skill.ZoneValidation;
import roadcast.model.ZoningRecord;
import roadcast.zone.AnchoredZoning;
import roadcast.zone.Zoning;

/**
 * Trains a {@link ManifoldModel} from a cleaned history: zones, then per zone (in parallel, a small fixed pool)
 * profile, basis, latent dynamics and local correction with hyperparameters chosen on the last part of the training
 * window, bands and skill measured there, and a refit on the whole window.
 */
public final class ManifoldTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(ManifoldTrainer.class);

    private ManifoldTrainer() {
    }

    public static ManifoldModel fit(SpeedHistory cleanedTraining, RoadNetwork network, TrainingConfig cfg,
                                    ProgressListener progress) {
        return fit(cleanedTraining, network, cfg, progress, null);
    }

    /**
     * @param anchor the model in service, or null: its zones are kept where the new data still support them and its
     *               zone ids are never given to a different set of segments ({@link AnchoredZoning})
     */
    public static ManifoldModel fit(SpeedHistory cleanedTraining, RoadNetwork network, TrainingConfig cfg,
                                    ProgressListener progress, ManifoldModel anchor) {
        progress.progress("zoning", 0, 1);
        AnchoredZoning.Result zoning = zoning(cleanedTraining, network, cfg, anchor);
        progress.progress("zoning", 1, 1);
        return fit(cleanedTraining, network, cfg, progress, zoning, anchor);
    }

    /**
     * The fit on a zoning given by the caller ({@link #zoning} is what {@link #fit} uses; a benchmark comparing
     * zonings passes its own, e.g. {@code AnchoredZoning.fresh(clusters)}).
     */
    public static ManifoldModel fit(SpeedHistory cleanedTraining, RoadNetwork network, TrainingConfig cfg,
                                    ProgressListener progress, AnchoredZoning.Result zoning, ManifoldModel anchor) {
        SpeedHistory history = cleanedTraining;
        long stepMillis = history.step().toMillis();
        int[] horizonsMin = horizonsMin(history, cfg);
        HorizonLeads leads = HorizonLeads.of(horizonsMin, stepMillis);
        ZoneId timeZone = history.timeZone();
        long firstMillis = history.epochMillis(0);
        int[] profileRow = profileRows(firstMillis, history.steps(), stepMillis, timeZone);
        float[][] rows = history.speed();

        int[][] zoneSegments = zoning.zones();

        ZoneFitter.Result[] results = new ZoneFitter.Result[zoneSegments.length];
        AtomicLong done = new AtomicLong();
        progress.progress("fitting zones", 0, zoneSegments.length);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(cfg.threads(), zoneSegments.length));
        try {
            List<Future<ZoneFitter.Result>> futures = new ArrayList<>();
            for (int z = 0; z < zoneSegments.length; z++) {
                int zone = z;
                int[] segments = zoneSegments[z];
                futures.add(pool.submit(() -> {
                    ZoneFitter.Result r;
                    try {
                        r = ZoneFitter.fit(rows, segments, profileRow, firstMillis, stepMillis, timeZone, leads,
                                cfg, history.unit(), roadClasses(network, segments));
                    } catch (RuntimeException e) {
                        throw new ZoneFitException(zone, segments.length, e);
                    }
                    progress.progress("fitting zones", done.incrementAndGet(), zoneSegments.length);
                    return r;
                }));
            }
            for (int z = 0; z < results.length; z++) {
                results[z] = futures.get(z).get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("training interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("zone fit failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return assemble(history, network, cfg, horizonsMin, results, zoning, anchor);
    }

    /** The road class of each of a zone's segments (network indices), in its order: the grading of its levels. */
    public static roadcast.network.RoadClass[] roadClasses(RoadNetwork network, int[] segments) {
        roadcast.network.RoadClass[] classes = new roadcast.network.RoadClass[segments.length];
        for (int i = 0; i < segments.length; i++) {
            classes[i] = network.segment(segments[i]).roadClass();
        }
        return classes;
    }

    /**
     * The level hold of each horizon ({@link roadcast.congestion.LevelHold}): the candidate that announces the most
     * levels right on the validation blocks of all zones together (one hold per horizon for the model: a zone's own
     * block has too few changes of level to choose from). Zones fitted without level counts add nothing; with none
     * at all every hold is 0, the grade of the point forecast.
     */
    static double[] levelHolds(ZoneFitter.Result[] results, int horizons) {
        int c = roadcast.congestion.LevelHold.CANDIDATES.length;
        double[] holds = new double[horizons];
        for (int h = 0; h < horizons; h++) {
            long[] correct = new long[c];
            for (ZoneFitter.Result r : results) {
                for (int k = 0; k < c; k++) {
                    correct[k] += r.validation().levelCorrect[h * c + k];
                }
            }
            holds[h] = roadcast.congestion.LevelHold.choose(correct);
        }
        return holds;
    }

    /** How many zones chose each profile recency half-life (not in the card: its zone record stays as it was). */
    static java.util.SortedMap<Double, Integer> halfLifeCounts(ZoneFitter.Result[] results) {
        java.util.SortedMap<Double, Integer> counts = new java.util.TreeMap<>();
        for (ZoneFitter.Result r : results) {
            counts.merge(r.profileHalfLifeDays(), 1, Integer::sum);
        }
        return counts;
    }

    /**
     * Spacing of the horizons of a step finer than it: a 1-minute feed is forecast every 5 minutes, as the 5-minute
     * data sets are, not every minute (60 horizons cost 3.7 times the training CPU of 15 and twice the model: README,
     * issue 12).
     */
    static final long HORIZON_SPACING_MILLIS = 5 * 60_000L;

    /**
     * Lead times forecast, in minutes: every step up to {@code cfg.maxHorizonMinutes()} (at least one step); at a step
     * that divides {@link #HORIZON_SPACING_MILLIS} more than once, the first step and then every 5 minutes.
     */
    public static int[] horizonsMin(SpeedHistory history, TrainingConfig cfg) {
        return horizonsMin(history.step(), cfg);
    }

    /** {@link #horizonsMin(SpeedHistory, TrainingConfig)} for a history of this step. */
    public static int[] horizonsMin(java.time.Duration step, TrainingConfig cfg) {
        long stepMillis = step.toMillis();
        long maxMillis = cfg.maxHorizonMinutes() * 60_000L;
        boolean spaced = stepMillis < HORIZON_SPACING_MILLIS && HORIZON_SPACING_MILLIS % stepMillis == 0
                && maxMillis >= HORIZON_SPACING_MILLIS;
        long spacing = spaced ? HORIZON_SPACING_MILLIS : stepMillis;
        int horizons = (int) Math.max(1, maxMillis / spacing);
        // the first horizon stays one step ahead when spaced: the kernel carries a step without readings with the
        // dynamics of horizon 0, and the incident detector compares each reading with the forecast issued one step
        // before it (IncidentDetector), so both need the one-step lead
        int[] horizonsMin = new int[spaced ? horizons + 1 : horizons];
        int k = 0;
        if (spaced) {
            horizonsMin[k++] = (int) (stepMillis / 60_000L);
        }
        for (int h = 0; h < horizons; h++) {
            horizonsMin[k++] = (int) ((h + 1) * spacing / 60_000L);
        }
        return horizonsMin;
    }

    /** The periodic profile's row (day type x time-of-day slot) of each of {@code steps} steps from firstMillis. */
    public static int[] profileRows(long firstMillis, int steps, long stepMillis, ZoneId timeZone) {
        LocalClock clock = new LocalClock(timeZone, stepMillis);
        int[] profileRow = new int[steps];
        for (int t = 0; t < steps; t++) {
            profileRow[t] = clock.profileRow(firstMillis + t * stepMillis);
        }
        return profileRow;
    }

    /**
     * The zones of the network (network indices, ascending within a zone) from the cleaned history, anchored to the
     * model in service when there is one: the one call of the zoning step, shared by this trainer and the Flink
     * batch trainer.
     *
     * @param anchor the model in service, or null: its zones are kept where the new data still support them and its
     *               zone ids are never given to a different set of segments ({@link AnchoredZoning})
     */
    public static AnchoredZoning.Result zoning(SpeedHistory history, RoadNetwork network, TrainingConfig cfg,
                                               ManifoldModel anchor) {
        String[] ids = network.segmentIds();
        if (!Arrays.equals(ids, history.segmentIds())) {
            throw new IllegalArgumentException("history columns (" + history.segments()
                    + " segments) are not the network's segments in network order (" + ids.length + ")");
        }
        long stepMillis = history.step().toMillis();
        int[] profileRow = profileRows(history.epochMillis(0), history.steps(), stepMillis, history.timeZone());
        long zoningStart = System.nanoTime();
        int[][] clusters = Zoning.partition(network, history.speed(), profileRow,
                LocalClock.slotsPerDay(stepMillis), cfg.maxZoneSize());
        return anchored(network, clusters, cfg, anchor, zoningStart);
    }

    /**
     * {@link #zoning(SpeedHistory, RoadNetwork, TrainingConfig, ManifoldModel)} from the segments' deviation series
     * ({@link Zoning.Deviations}), built by a caller that streams the cleaned history instead of holding it: the same
     * zones.
     */
    public static AnchoredZoning.Result zoning(RoadNetwork network, float[][] deviationSeries, TrainingConfig cfg,
                                               ManifoldModel anchor) {
        long zoningStart = System.nanoTime();
        return anchored(network, Zoning.partition(network, deviationSeries, cfg.maxZoneSize()), cfg, anchor,
                zoningStart);
    }

    private static AnchoredZoning.Result anchored(RoadNetwork network, int[][] clusters, TrainingConfig cfg,
                                                  ManifoldModel anchor, long zoningStart) {
        String[] ids = network.segmentIds();
        AnchoredZoning.Result zoning = anchor == null ? AnchoredZoning.fresh(clusters)
                : AnchoredZoning.anchor(ids, clusters, ZoningRecord.previous(anchor), cfg.maxZoneSize());
        LOG.info("{} segments in {} zones ({} ms){}", network.size(), zoning.zones().length,
                (System.nanoTime() - zoningStart) / 1_000_000, anchor == null ? "" : ", anchored to " + anchor.version());
        return zoning;
    }

    /**
     * One model from every zone's fit, {@code results[z]} being zone z: free-flow speeds, skill table, model card
     * (validation by horizon, choices per zone) and the payload checksum. Zones fitted elsewhere (the Flink batch
     * trainer) go through here too, so the file is the one this trainer writes.
     *
     * @param zoning the zoning the results were fitted on ({@link #zoning}), its stable ids recorded in the card
     * @param anchor the model in service it was anchored to, or null
     */
    public static ManifoldModel assemble(SpeedHistory history, RoadNetwork network, TrainingConfig cfg,
                                         int[] horizonsMin, ZoneFitter.Result[] results,
                                         AnchoredZoning.Result zoning, ManifoldModel anchor) {
        return assemble(history.time(0), history.time(history.steps() - 1), history.step(), history.timeZone(),
                history.unit(), network, cfg, horizonsMin, results, zoning, anchor);
    }

    /**
     * {@link #assemble(SpeedHistory, RoadNetwork, TrainingConfig, int[], ZoneFitter.Result[], AnchoredZoning.Result,
     * ManifoldModel)} given only the history's grid (first and last local time, step, zone, unit): the history's
     * values are not needed, so a caller that streamed it need not hold it.
     */
    public static ManifoldModel assemble(java.time.LocalDateTime first, java.time.LocalDateTime last,
                                         java.time.Duration step, ZoneId timeZone, roadcast.history.SpeedUnit unit,
                                         RoadNetwork network, TrainingConfig cfg, int[] horizonsMin,
                                         ZoneFitter.Result[] results, AnchoredZoning.Result zoning,
                                         ManifoldModel anchor) {
        int n = network.size();
        int horizons = horizonsMin.length;
        int cells = n * horizons * SkillTable.PERIODS;
        double[] sqModel = new double[cells];
        double[] sqPersistence = new double[cells];
        double[] sqHa = new double[cells];
        long[] pairs = new long[cells];
        double[] freeFlow = new double[n];
        double[] hSq = new double[horizons];
        double[] hAbs = new double[horizons];
        double[] hSqP = new double[horizons];
        double[] hSqA = new double[horizons];
        long[] hPairs = new long[horizons];
        ZoneModel[] zones = new ZoneModel[results.length];
        List<ModelCard.ZoneChoice> choices = new ArrayList<>();
        for (int z = 0; z < results.length; z++) {
            ZoneFitter.Result r = results[z];
            zones[z] = r.model();
            choices.add(new ModelCard.ZoneChoice(zoning.ids()[z], r.model().size(), r.rank(), r.order(), r.lambda(), r.smoothingMinutes(),
                    r.validationRmse()));
            ZoneValidation.Sums s = r.validation();
            for (int i = 0; i < r.model().size(); i++) {
                int segment = r.model().segment(i);
                freeFlow[segment] = r.freeFlow()[i];
                for (int h = 0; h < horizons; h++) {
                    int local = SkillTable.cell(i, horizons, h, DayPeriod.ALL_DAY);
                    int global = SkillTable.cell(segment, horizons, h, DayPeriod.ALL_DAY);
                    for (int p = 0; p < SkillTable.PERIODS; p++) {
                        sqModel[global + p] = s.sqModel[local + p];
                        sqPersistence[global + p] = s.sqPersistence[local + p];
                        sqHa[global + p] = s.sqHistoricalAverage[local + p];
                        pairs[global + p] = s.pairs[local + p];
                    }
                    hSq[h] += s.sqModel[local];
                    hAbs[h] += s.absModel[local];
                    hSqP[h] += s.sqPersistence[local];
                    hSqA[h] += s.sqHistoricalAverage[local];
                    hPairs[h] += s.pairs[local];
                }
            }
        }
        List<Integer> hm = new ArrayList<>();
        List<Double> rmse = new ArrayList<>();
        List<Double> mae = new ArrayList<>();
        List<Double> rmseP = new ArrayList<>();
        List<Double> rmseA = new ArrayList<>();
        List<Long> count = new ArrayList<>();
        for (int h = 0; h < horizons; h++) {
            long c = hPairs[h];
            hm.add(horizonsMin[h]);
            rmse.add(c == 0 ? Double.NaN : Math.sqrt(hSq[h] / c));
            mae.add(c == 0 ? Double.NaN : hAbs[h] / c);
            rmseP.add(c == 0 ? Double.NaN : Math.sqrt(hSqP[h] / c));
            rmseA.add(c == 0 ? Double.NaN : Math.sqrt(hSqA[h] / c));
            count.add(c);
        }
        ModelCard.ValidationMetrics metrics = new ModelCard.ValidationMetrics(hm, rmse, mae, rmseP, rmseA, count);
        String zoneSuffix = " " + timeZone.getId();
        ModelCard card = new ModelCard(ModelCard.UNPUBLISHED, cfg.dataset(), first + zoneSuffix, last + zoneSuffix, cfg.provenance(), n, zones.length, cfg.searchGrid(),
                choices, metrics, CodeVersion.describe(), null, Instant.now().toString());
        SkillTable skill = SkillTable.fromSums(n, horizons, sqModel, sqPersistence, sqHa, pairs);
        double[] holds = levelHolds(results, horizons);
        ManifoldModel model = new ManifoldModel(card, network, unit, step, timeZone, horizonsMin, zones, zoning.ids(),
                freeFlow, cfg.credibility(), skill).withLevelHold(holds);
        model = model.withCard(card.withZoning(ZoningRecord.card(model, zoning.idHighWater(), anchor)));
        card = model.card();
        LOG.info("validation RMSE by horizon {} min: model {}, persistence {}, historical average {}", hm, rmse,
                rmseP, rmseA);
        LOG.info("level hold by horizon {} min: {}", hm, Arrays.toString(holds));
        LOG.info("profile recency half-life (days, 0 = every day alike) -> zones: {}", halfLifeCounts(results));
        return model.withCard(card.withPayloadSha256(ModelFile.payloadSha256(model)));
    }
}
