package roadcast.evaluate;

import java.util.Arrays;

import roadcast.congestion.LevelHold;
import roadcast.forecast.NetworkForecast;
import roadcast.forecast.NetworkForecaster;
import roadcast.model.ManifoldModel;

/**
 * The trained model driven exactly as the stream drives it: {@link NetworkForecaster}, i.e. one zone kernel per
 * zone fed its slice of every network row. Lead k maps to the model horizon of k steps; leads beyond the model's
 * horizons are NaN.
 */
public final class ManifoldPredictor implements NetworkPredictor {

    private final ManifoldModel model;
    private final NetworkForecaster forecaster;
    private final NetworkForecast forecast;
    private final int[] horizonIndexOfLead;
    private final int segments;

    /**
     * @param dataStepMillis step of the rows the backtest feeds (must equal the model's step)
     * @param maxLeads       lead steps the backtest asks for
     */
    public ManifoldPredictor(ManifoldModel model, long dataStepMillis, int maxLeads) {
        if (model.step().toMillis() != dataStepMillis) {
            throw new IllegalArgumentException("model " + model.version() + " has a step of " + model.step()
                    + ", the data " + dataStepMillis / 60_000 + " min");
        }
        this.model = model;
        this.forecaster = new NetworkForecaster(model);
        this.forecast = forecaster.newForecast();
        this.segments = model.network().size();
        int[] horizons = model.horizonsMin();
        long stepMin = dataStepMillis / 60_000L;
        horizonIndexOfLead = new int[maxLeads];
        Arrays.fill(horizonIndexOfLead, -1);
        for (int k = 1; k <= maxLeads; k++) {
            for (int h = 0; h < horizons.length; h++) {
                if (horizons[h] == k * stepMin) {
                    horizonIndexOfLead[k - 1] = h;
                }
            }
        }
    }

    public ManifoldModel model() {
        return model;
    }

    @Override
    public String name() {
        return "model";
    }

    @Override
    public void observe(long stepMillis, float[] row) {
        forecaster.observe(stepMillis, row);
    }

    @Override
    public void predict(double[][] out) {
        forecaster.forecast(forecast);
        for (int k = 0; k < out.length; k++) {
            int h = k < horizonIndexOfLead.length ? horizonIndexOfLead[k] : -1;
            double[] lead = out[k];
            if (h < 0) {
                Arrays.fill(lead, Double.NaN);
                continue;
            }
            for (int i = 0; i < segments; i++) {
                lead[i] = forecast.speed(h, i);
            }
        }
    }

    /** The level the stream announces ({@link roadcast.forecast.Forecasts#toRecords}): the model's hold of the horizon. */
    @Override
    public double levelSpeed(int lead, int segment, double forecastSpeed) {
        int h = lead - 1 < horizonIndexOfLead.length ? horizonIndexOfLead[lead - 1] : -1;
        if (h < 0) {
            return forecastSpeed;
        }
        return LevelHold.gradedSpeed(forecast.now(segment), forecastSpeed, forecast.lower(h, segment),
                forecast.upper(h, segment), model.levelHold()[h]);
    }

    /** The model's band of the last forecast: lead k maps to the model horizon of k steps, NaN beyond them. */
    @Override
    public boolean bands(double[][] lower, double[][] upper) {
        for (int k = 0; k < lower.length; k++) {
            int h = k < horizonIndexOfLead.length ? horizonIndexOfLead[k] : -1;
            if (h < 0) {
                Arrays.fill(lower[k], Double.NaN);
                Arrays.fill(upper[k], Double.NaN);
                continue;
            }
            for (int i = 0; i < segments; i++) {
                lower[k][i] = forecast.lower(h, i);
                upper[k][i] = forecast.upper(h, i);
            }
        }
        return true;
    }
}
