package roadcast.model;

import java.util.List;
import roadcast.fusion.FusionModel;

/**
 * What a published model is and where it came from: stored as JSON in the model file's header and beside it as
 * {@code model-card.json}.
 *
 * @param modelVersion    registry version ({@code v0001-20260101T120000}), "unpublished" before publishing
 * @param dataset         data set name
 * @param trainedFrom     local time of the first training row (ISO-8601) with its zone
 * @param trainedTo       local time of the last training row
 * @param provenance      sources and licence of the training data, as the data set README gives them
 * @param segments        network segments
 * @param zones           number of zones
 * @param searchGrid      the hyperparameter candidates, e.g. "r in [3, 5, 8, 12], p in [1, 2, 3], lambda in [0.1, 1, 10]"
 * @param hyperparameters the choice per zone
 * @param validation      metrics on the validation block (the last part of the training window)
 * @param codeVersion     implementation version and git commit ("unknown" where not resolvable)
 * @param payloadSha256   sha256 (hex) of the model file's numeric payload
 * @param createdAt       UTC instant of training (ISO-8601)
 * @param zoning          the zones by stable id, their fingerprint and what changed against the model it was anchored
 *                        to (null in cards of format 1)
 * @param gate            the promotion gate's verdict (null when no gate ran: the first model of a registry, or a
 *                        card written before the gate existed)
 * @param coverage        roads without history the model extends its forecasts to (kriging), and the ones it had to
 *                        leave out; null when the model has no kriging layer (and in cards written before it)
 * @param fusion          how the sources of the feed it was trained on are fused (calibrations, variances, track
 *                        rate), learned from that feed; the stream fuses with it. Null for a model trained on a
 *                        history that was already one speed per cell (and in cards written before it)
 */
public record ModelCard(String modelVersion, String dataset, String trainedFrom, String trainedTo, String provenance,
                        int segments, int zones, String searchGrid, List<ZoneChoice> hyperparameters,
                        ValidationMetrics validation, String codeVersion, String payloadSha256, String createdAt,
                        ZoningCard zoning, GateVerdict gate, CoverageCard coverage, FusionModel fusion) {

    /** A card without learned fusion. */
    public ModelCard(String modelVersion, String dataset, String trainedFrom, String trainedTo, String provenance,
                     int segments, int zones, String searchGrid, List<ZoneChoice> hyperparameters,
                     ValidationMetrics validation, String codeVersion, String payloadSha256, String createdAt,
                     ZoningCard zoning, GateVerdict gate, CoverageCard coverage) {
        this(modelVersion, dataset, trainedFrom, trainedTo, provenance, segments, zones, searchGrid, hyperparameters,
                validation, codeVersion, payloadSha256, createdAt, zoning, gate, coverage, null);
    }

    /** A card without coverage extension. */
    public ModelCard(String modelVersion, String dataset, String trainedFrom, String trainedTo, String provenance,
                     int segments, int zones, String searchGrid, List<ZoneChoice> hyperparameters,
                     ValidationMetrics validation, String codeVersion, String payloadSha256, String createdAt,
                     ZoningCard zoning, GateVerdict gate) {
        this(modelVersion, dataset, trainedFrom, trainedTo, provenance, segments, zones, searchGrid, hyperparameters,
                validation, codeVersion, payloadSha256, createdAt, zoning, gate, null);
    }

    /**
     * Coverage extension (issue 8): how many roads without history (extended segments) the kriging layer forecasts,
     * and the ones of the network files it could not place (no coordinates and no road path to an observed
     * segment), which are excluded with a warning and counted here.
     *
     * @param extended    extended segments forecast
     * @param excluded    extended segments left out
     * @param excludedIds their ids, in file order
     */
    public record CoverageCard(int extended, int excluded, List<String> excludedIds) {
    }

    public static final String UNPUBLISHED = "unpublished";

    /** A card without zoning record and gate verdict (as cards of model format 1 were). */
    public ModelCard(String modelVersion, String dataset, String trainedFrom, String trainedTo, String provenance,
                     int segments, int zones, String searchGrid, List<ZoneChoice> hyperparameters,
                     ValidationMetrics validation, String codeVersion, String payloadSha256, String createdAt) {
        this(modelVersion, dataset, trainedFrom, trainedTo, provenance, segments, zones, searchGrid, hyperparameters,
                validation, codeVersion, payloadSha256, createdAt, null, null);
    }

    /**
     * The zoning of a model.
     *
     * @param fingerprint sha256 (hex) of the canonical zone list ({@link ZoningRecord#fingerprint})
     * @param anchoredTo  version of the model in service the zones were anchored to; null for a fresh zoning
     * @param idHighWater highest zone id ever given in this model's line (new zones get ids above it)
     * @param zones       zone id and its segment ids, by ascending zone id
     * @param changes     against the anchor; null for a fresh zoning
     */
    public record ZoningCard(String fingerprint, String anchoredTo, int idHighWater, List<ZoneEntry> zones,
                             ZoningChanges changes) {
    }

    /** One zone: its stable id and its segments' ids (network order). */
    public record ZoneEntry(int id, List<String> segments) {
    }

    /**
     * What a re-zoning changed against the anchor model.
     *
     * @param kept            zone ids present in both (members kept; added segments may have joined)
     * @param split           ids of the anchor that are gone and whose segments went to two zones or more
     * @param merged          new ids that took segments of two anchor zones or more
     * @param created         ids that are new (above the anchor's high-water mark)
     * @param removed         ids of the anchor that are gone
     * @param segmentsAdded   segment ids not in the anchor
     * @param segmentsRemoved segment ids of the anchor not in this model
     * @param segmentsMoved   segments present in both whose zone id changed
     */
    public record ZoningChanges(List<Integer> kept, List<Integer> split, List<Integer> merged, List<Integer> created,
                                List<Integer> removed, List<String> segmentsAdded, List<String> segmentsRemoved,
                                int segmentsMoved) {
    }

    /**
     * The promotion gate's verdict on this model.
     *
     * @param verdict     {@code published}, {@code refused} or {@code forced} (refused, published with --force)
     * @param comparedWith version of the model in service it was checked against
     * @param reasons     why it was refused (empty when published)
     * @param checks      each check's figure, threshold and outcome
     * @param heldOut     the held-out day the skill was measured on ("from .. to", local time)
     */
    public record GateVerdict(String verdict, String comparedWith, List<String> reasons, List<GateCheck> checks,
                              String heldOut) {
    }

    /**
     * One check of the gate: {@code value} against {@code limit} ({@code passed} when within it).
     *
     * @param name coverage, rejected_share, drifted_share, mae_ratio
     */
    public record GateCheck(String name, double value, double limit, boolean passed, String detail) {
    }

    public ModelCard withZoning(ZoningCard newZoning) {
        return new ModelCard(modelVersion, dataset, trainedFrom, trainedTo, provenance, segments, zones, searchGrid,
                hyperparameters, validation, codeVersion, payloadSha256, createdAt, newZoning, gate, coverage, fusion);
    }

    public ModelCard withGate(GateVerdict verdict) {
        return new ModelCard(modelVersion, dataset, trainedFrom, trainedTo, provenance, segments, zones, searchGrid,
                hyperparameters, validation, codeVersion, payloadSha256, createdAt, zoning, verdict, coverage, fusion);
    }

    /**
     * Hyperparameters chosen for one zone.
     *
     * @param validationRmse RMSE over all horizons on the validation block with these values
     */
    public record ZoneChoice(int zone, int segments, int rank, int order, double lambda, int smoothingMinutes,
                             double validationRmse) {
    }

    /**
     * Validation metrics per horizon (lists parallel to {@code horizonsMin}), pooled over all segments.
     * Persistence = last observed speed; historical average = the periodic profile.
     */
    public record ValidationMetrics(List<Integer> horizonsMin, List<Double> rmse, List<Double> mae,
                                    List<Double> rmsePersistence, List<Double> rmseHistoricalAverage,
                                    List<Long> pairs) {
    }

    public ModelCard withModelVersion(String version) {
        return new ModelCard(version, dataset, trainedFrom, trainedTo, provenance, segments, zones, searchGrid,
                hyperparameters, validation, codeVersion, payloadSha256, createdAt, zoning, gate, coverage, fusion);
    }

    public ModelCard withPayloadSha256(String sha256) {
        return new ModelCard(modelVersion, dataset, trainedFrom, trainedTo, provenance, segments, zones, searchGrid,
                hyperparameters, validation, codeVersion, sha256, createdAt, zoning, gate, coverage, fusion);
    }

    public ModelCard withCoverage(CoverageCard newCoverage) {
        return new ModelCard(modelVersion, dataset, trainedFrom, trainedTo, provenance, segments, zones, searchGrid,
                hyperparameters, validation, codeVersion, payloadSha256, createdAt, zoning, gate, newCoverage, fusion);
    }

    public ModelCard withFusion(FusionModel newFusion) {
        return new ModelCard(modelVersion, dataset, trainedFrom, trainedTo, provenance, segments, zones, searchGrid,
                hyperparameters, validation, codeVersion, payloadSha256, createdAt, zoning, gate, coverage, newFusion);
    }
}
