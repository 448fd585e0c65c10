package roadcast.promote;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import roadcast.clean.CleaningReport;
import roadcast.clean.Verdict;
import roadcast.history.SpeedHistory;
import roadcast.model.ManifoldModel;
import roadcast.model.ModelCard;

/**
 * Decides whether a candidate may replace the model in service. Refuses when
 * <ol>
 * <li>coverage: too few cells of the window have a credible reading;</li>
 * <li>rejected share: the credibility rules threw out too many of the readings there were;</li>
 * <li>the same two on the held-out newest rows alone (a feed that broke today);</li>
 * <li>drift: too many segments' periodic profiles moved against the model in service ({@link ProfileDrift}): a unit
 * change, ids mapped to the wrong columns or a clock shift moves most segments, a real week moves few;</li>
 * <li>skill: on the held-out newest rows the candidate's MAE is worse than the service's by more than the margin
 * ({@link HeldOutSkill}).</li>
 * </ol>
 */
public final class PromotionGate {

    /**
     * @param passed  every check passed
     * @param reasons one sentence per failed check
     * @param checks  every check with its figure and limit
     * @param drift   the drift figures (null when the models cannot be compared)
     * @param skill   the held-out skill (null when not measurable)
     */
    public record Decision(boolean passed, List<String> reasons, List<ModelCard.GateCheck> checks,
                           ProfileDrift.Result drift, HeldOutSkill.Result skill) {
    }

    private PromotionGate() {
    }

    /**
     * @param cleaning what the credibility rules did to the whole window (training and held-out rows)
     * @param heldOutCleaning what they did to the held-out rows alone
     * @param cleaned  the window after cleaning, the candidate's network order
     * @param recorded the window as recorded
     * @param heldOut  first held-out row of the window
     */
    public static Decision check(ManifoldModel candidate, ManifoldModel service, CleaningReport cleaning,
                                 CleaningReport heldOutCleaning, SpeedHistory cleaned, SpeedHistory recorded,
                                 int heldOut, GateThresholds limits) {
        List<ModelCard.GateCheck> checks = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        quality(checks, reasons, "", "the window", cleaning, limits);
        // a feed that broke today hides in a month of good days: the newest (held-out) rows are checked alone too
        quality(checks, reasons, "held_out_", "the held-out newest rows", heldOutCleaning, limits);
        if (service.step().toMillis() != candidate.step().toMillis()) {
            add(checks, reasons, "comparable", 0, 1, false, "step " + candidate.step() + " vs " + service.step(),
                    "the candidate's step " + candidate.step() + " differs from the service's " + service.step()
                            + ": drift and skill cannot be compared");
            return new Decision(false, reasons, checks, null, null);
        }
        ProfileDrift.Result drift = ProfileDrift.compare(service, candidate, limits.segmentDrift());
        add(checks, reasons, "drifted_share", drift.share(), limits.maxDriftedShare(),
                drift.share() <= limits.maxDriftedShare(),
                String.format(Locale.ROOT, "%d of %d segments moved more than %.0f%% of their mean speed "
                                + "(median %.3f, p90 %.3f, max %.3f; worst %s)", drift.drifted(), drift.compared(),
                        100 * limits.segmentDrift(), drift.median(), drift.p90(), drift.max(), drift.worst()),
                String.format(Locale.ROOT, "%d of %d segments' daily profiles moved more than %.0f%% of their mean "
                                + "speed against %s (limit %.0f%% of segments; median move %.1f%%): a unit change, "
                                + "ids mapped to the wrong segments or a clock shift?", drift.drifted(),
                        drift.compared(), 100 * limits.segmentDrift(), service.version(),
                        100 * limits.maxDriftedShare(), 100 * drift.median()));
        HeldOutSkill.Result skill = null;
        try {
            skill = HeldOutSkill.measure(candidate, service, cleaned, recorded, heldOut);
        } catch (IllegalArgumentException e) {
            add(checks, reasons, "mae_ratio", Double.NaN, 1 + limits.maxMaeWorsening(), false, e.getMessage(),
                    "held-out skill not measurable: " + e.getMessage());
        }
        if (skill != null) {
            double ratio = skill.maeRatio();
            boolean ok = !Double.isNaN(ratio) && ratio <= 1 + limits.maxMaeWorsening();
            add(checks, reasons, "mae_ratio", ratio, 1 + limits.maxMaeWorsening(), ok,
                    String.format(Locale.ROOT, "held-out MAE candidate %.3f vs service %.3f (RMSE %.3f vs %.3f) on "
                                    + "%d segments, %d pairs", skill.candidate().mae(), skill.service().mae(),
                            skill.candidate().rmse(), skill.service().rmse(), skill.segments(),
                            skill.candidate().pairs()),
                    String.format(Locale.ROOT, "held-out MAE %.3f is %.1f%% worse than the service's %.3f (limit "
                                    + "%.0f%%)", skill.candidate().mae(), 100 * (ratio - 1), skill.service().mae(),
                            100 * limits.maxMaeWorsening()));
        }
        return new Decision(reasons.isEmpty(), reasons, checks, drift, skill);
    }

    private static void quality(List<ModelCard.GateCheck> checks, List<String> reasons, String prefix, String what,
                                CleaningReport cleaning, GateThresholds limits) {
        long cells = cleaning.cells();
        long present = cells - cleaning.count(Verdict.MISSING);
        double coverage = cells == 0 ? 0 : cleaning.count(Verdict.OK) / (double) cells;
        add(checks, reasons, prefix + "coverage", coverage, limits.minCoverage(), coverage >= limits.minCoverage(),
                String.format(Locale.ROOT, "%d of %d cells hold a credible reading", cleaning.count(Verdict.OK), cells),
                String.format(Locale.ROOT, "coverage %.1f%% is below %.1f%% in %s: too few credible readings",
                        100 * coverage, 100 * limits.minCoverage(), what));
        double rejected = present == 0 ? 1 : cleaning.rejected() / (double) present;
        add(checks, reasons, prefix + "rejected_share", rejected, limits.maxRejectedShare(),
                rejected <= limits.maxRejectedShare(),
                String.format(Locale.ROOT, "%d of %d readings rejected (out of range %d, stuck %d, spike %d)",
                        cleaning.rejected(), present, cleaning.count(Verdict.OUT_OF_RANGE),
                        cleaning.count(Verdict.STUCK), cleaning.count(Verdict.SPIKE)),
                String.format(Locale.ROOT, "%.1f%% of the readings of %s were rejected by the credibility rules "
                                + "(limit %.1f%%, mostly %s): wrong unit or a broken feed?", 100 * rejected, what,
                        100 * limits.maxRejectedShare(), mostRejected(cleaning)));
    }

    private static String mostRejected(CleaningReport cleaning) {
        Verdict most = Verdict.OUT_OF_RANGE;
        for (Verdict v : new Verdict[] {Verdict.STUCK, Verdict.SPIKE}) {
            if (cleaning.count(v) > cleaning.count(most)) {
                most = v;
            }
        }
        return most.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    private static void add(List<ModelCard.GateCheck> checks, List<String> reasons, String name, double value,
                            double limit, boolean passed, String detail, String reason) {
        checks.add(new ModelCard.GateCheck(name, value, limit, passed, detail));
        if (!passed) {
            reasons.add(reason);
        }
    }
}
