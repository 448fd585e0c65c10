package roadcast.model;

import java.util.List;

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
 */
public record ModelCard(String modelVersion, String dataset, String trainedFrom, String trainedTo, String provenance,
                        int segments, int zones, String searchGrid, List<ZoneChoice> hyperparameters,
                        ValidationMetrics validation, String codeVersion, String payloadSha256, String createdAt) {

    public static final String UNPUBLISHED = "unpublished";

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
                hyperparameters, validation, codeVersion, payloadSha256, createdAt);
    }

    public ModelCard withPayloadSha256(String sha256) {
        return new ModelCard(modelVersion, dataset, trainedFrom, trainedTo, provenance, segments, zones, searchGrid,
                hyperparameters, validation, codeVersion, sha256, createdAt);
    }
}
