package roadcast.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;
import java.util.function.ToDoubleFunction;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import roadcast.evaluate.BacktestResult;
import roadcast.evaluate.HorizonScores;
import roadcast.evaluate.PredictorResult;
import roadcast.evaluate.Scores;
import roadcast.evaluate.Trace;

/**
 * PNG plots of a benchmark: RMSE and MAE by horizon for the model against the baselines, and forecast against actual
 * for the traced segments. Rendered headless.
 */
public final class BenchmarkCharts {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;

    private BenchmarkCharts() {
    }

    /**
     * Writes {@code rmse_by_horizon.png}, {@code mae_by_horizon.png} and one {@code forecast_<segment>_<lead>min.png}
     * per trace into {@code dir}; returns the files written.
     */
    public static List<Path> write(BacktestResult result, String title, String[] segmentIds, String unit,
                                   ZoneId timeZone, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        files.add(errorByHorizon(result, title, "RMSE", unit, Scores::rmse, dir.resolve("rmse_by_horizon.png")));
        files.add(errorByHorizon(result, title, "MAE", unit, Scores::mae, dir.resolve("mae_by_horizon.png")));
        for (Trace trace : result.traces()) {
            String id = segmentIds[trace.segment()];
            Path file = dir.resolve("forecast_" + id.replaceAll("[^A-Za-z0-9_.-]", "_") + "_" + trace.leadMinutes()
                    + "min.png");
            files.add(forecastVsActual(trace, title + ": segment " + id, unit, timeZone, file));
        }
        return files;
    }

    private static Path errorByHorizon(BacktestResult result, String title, String metric, String unit,
                                       ToDoubleFunction<Scores> figure, Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title + ": " + metric + " by horizon").xAxisTitle("horizon (min)")
                .yAxisTitle(metric + " (" + unit + ")").build();
        chart.getStyler().setXAxisDecimalPattern("0");
        for (PredictorResult p : result.predictors()) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (HorizonScores hs : p.horizons()) {
                double v = figure.applyAsDouble(hs.scores());
                if (Double.isFinite(v)) {
                    x.add((double) hs.horizon().minutes());
                    y.add(v);
                }
            }
            if (!x.isEmpty()) {
                XYSeries s = chart.addSeries(p.name(), x, y);
                s.setMarker(SeriesMarkers.CIRCLE);
            }
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapFormat.PNG);
        return file;
    }

    private static Path forecastVsActual(Trace trace, String title, String unit, ZoneId timeZone, Path file)
            throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title + ", forecast " + trace.leadMinutes() + " min ahead").xAxisTitle("target time (" + timeZone + ")")
                .yAxisTitle("speed (" + unit + ")").build();
        chart.getStyler().setDatePattern("MM-dd HH:mm");
        // target times are epoch ms; label them in the data set's local time, as the data files are written
        chart.getStyler().setTimezone(TimeZone.getTimeZone(timeZone));
        List<Date> xa = new ArrayList<>();
        List<Double> ya = new ArrayList<>();
        List<Date> xp = new ArrayList<>();
        List<Double> yp = new ArrayList<>();
        for (int k = 0; k < trace.targetMillis().length; k++) {
            Date when = new Date(trace.targetMillis()[k]);
            if (Double.isFinite(trace.actual()[k])) {
                xa.add(when);
                ya.add(trace.actual()[k]);
            }
            if (Double.isFinite(trace.predicted()[k])) {
                xp.add(when);
                yp.add(trace.predicted()[k]);
            }
        }
        if (!xa.isEmpty()) {
            chart.addSeries("actual", xa, ya).setMarker(SeriesMarkers.NONE);
        }
        if (!xp.isEmpty()) {
            chart.addSeries("forecast", xp, yp).setMarker(SeriesMarkers.NONE);
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapFormat.PNG);
        return file;
    }
}
