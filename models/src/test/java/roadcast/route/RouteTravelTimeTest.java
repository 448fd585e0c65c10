package roadcast.route;

import org.junit.jupiter.api.Test;
import roadcast.forecast.Forecast;
import roadcast.history.SpeedUnit;
import roadcast.network.Link;
import roadcast.network.RoadClass;
import roadcast.network.RoadNetwork;
import roadcast.network.Segment;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A route through three segments with known forecasts: a (1000 m to b, 60 km/h throughout), b (2000 m to c, 60 km/h
 * observed, 30 km/h from +5 min), c (shortest outgoing link 1500 m, 40 km/h).
 */
class RouteTravelTimeTest {

    static final long T0 = 1_330_588_800_000L;
    static final int[] HORIZONS = {5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60};
    static final long MIN = 60_000L;

    static RoadNetwork network() {
        List<Segment> s = new ArrayList<>();
        for (String id : new String[] {"a", "b", "c", "d", "e", "x"}) {
            s.add(new Segment(id, Double.NaN, Double.NaN, RoadClass.UNKNOWN));
        }
        return new RoadNetwork(s, List.of(new Link(0, 0, 0, 1), new Link(0, 1, 1000, 1), new Link(1, 2, 2000, 1),
            new Link(2, 3, 1500, 1), new Link(2, 4, 3000, 1), new Link(1, 0, 1000, 1)));
    }

    /** Constant band of +-50% around the forecast speeds. */
    static Forecast forecast(String id, long issued, double observed, double first, double later) {
        int n = HORIZONS.length;
        double[] speed = new double[n];
        double[] lower = new double[n];
        double[] upper = new double[n];
        String[] level = new String[n];
        for (int h = 0; h < n; h++) {
            speed[h] = h == 0 ? first : later;
            lower[h] = speed[h] * 0.5;
            upper[h] = speed[h] * 1.5;
            level[h] = "free";
        }
        return new Forecast(id, issued, "v", observed, false, HORIZONS.clone(), speed, level, lower, upper);
    }

    static Map<String, Forecast> forecasts() {
        Map<String, Forecast> m = new HashMap<>();
        m.put("a", forecast("a", T0, 60, 60, 60));
        m.put("b", forecast("b", T0, 60, 30, 30));
        m.put("c", forecast("c", T0, 40, 40, 40));
        m.put("d", forecast("d", T0, 40, 40, 40));
        return m;
    }

    @Test
    void eachSegmentIsDrivenAtItsForecastWhenTheVehicleReachesIt() {
        Route r = RouteTravelTime.estimate(network(), List.of("a", "b", "c"), forecasts()::get, null, SpeedUnit.KMH);
        // a: 1000 m at 60 km/h = 1 min; b reached at +1 min: 60 + (1/5)(30 - 60) = 54 km/h, 2000 m = 2.2222 min;
        // c reached at +3.2222 min: 40 km/h over its shortest outgoing link (1500 m) = 2.25 min
        assertEquals(T0, r.departMillis(), "default departure: the forecasts' issue time");
        assertEquals(3, r.legs().size());
        assertEquals(T0, r.legs().get(0).arrivalMillis());
        assertEquals(T0 + MIN, r.legs().get(1).arrivalMillis());
        assertEquals(54.0, r.legs().get(1).speed(), 1e-9);
        assertEquals(2000.0 / 54 * 60 / 1000, r.legs().get(1).minutes(), 1e-9);
        assertEquals(T0 + (long) ((1 + 2000.0 / 54 * 60 / 1000) * MIN), r.legs().get(2).arrivalMillis(), 1.0);
        assertEquals(1500.0, r.legs().get(2).lengthMetres());
        double expected = 1 + 2000.0 / 54 * 60 / 1000 + 2.25;
        assertEquals(expected, r.travelTimeMin(), 1e-6);
        assertEquals(4500.0, r.lengthMetres());
        assertEquals(T0 + expected * MIN, r.arriveMillis(), 1.0);
        assertTrue(r.travelTimeMinLower() < r.travelTimeMin() && r.travelTimeMin() < r.travelTimeMinUpper(),
            r.toString());
    }

    @Test
    void laterDepartureMeetsTheSlowForecast() {
        Route r = RouteTravelTime.estimate(network(), List.of("a", "b", "c"), forecasts()::get, T0 + 10 * MIN,
            SpeedUnit.KMH);
        // a 1 min, b at 30 km/h = 4 min, c 2.25 min
        assertEquals(7.25, r.travelTimeMin(), 1e-9);
        assertEquals(T0 + 11 * MIN, r.legs().get(1).arrivalMillis());
        // band ends: every segment at 1.5x (fast) and 0.5x (slow) its speed
        assertEquals(7.25 / 1.5, r.travelTimeMinLower(), 1e-9);
        assertEquals(7.25 / 0.5, r.travelTimeMinUpper(), 1e-9);
    }

    @Test
    void milesPerHourAreConverted() {
        Route r = RouteTravelTime.estimate(network(), List.of("a"), forecasts()::get, T0 + 10 * MIN, SpeedUnit.MPH);
        assertEquals(1000.0 / (60 * 1.609344 * 1000 / 60), r.travelTimeMin(), 1e-9);
    }

    @Test
    void badRoutesAreRefusedWithAReason() {
        RoadNetwork net = network();
        Map<String, Forecast> f = forecasts();
        assertTrue(assertThrows(RouteException.class, () -> RouteTravelTime.estimate(net, List.of("a", "zz"), f::get,
            null, SpeedUnit.KMH)).getMessage().contains("unknown segment zz"));
        assertTrue(assertThrows(RouteException.class, () -> RouteTravelTime.estimate(net, List.of("a", "c"), f::get,
            null, SpeedUnit.KMH)).getMessage().contains("no road link from segment a to c"));
        assertEquals(2, RouteTravelTime.estimate(net, List.of("b", "a"), f::get, T0, SpeedUnit.KMH).legs().size(),
            "b -> a is a link of its own");
        assertTrue(assertThrows(RouteException.class, () -> RouteTravelTime.estimate(net, List.of("c", "b"), f::get,
            null, SpeedUnit.KMH)).getMessage().contains("wrong order"));
        assertTrue(assertThrows(RouteException.class, () -> RouteTravelTime.estimate(net, List.of("a", "a"), f::get,
            null, SpeedUnit.KMH)).getMessage().contains("twice in a row"));
        assertTrue(assertThrows(RouteException.class, () -> RouteTravelTime.estimate(net, List.of("x"), f::get,
            null, SpeedUnit.KMH)).getMessage().contains("no length known for the last segment x"));
        assertTrue(assertThrows(RouteException.class, () -> RouteTravelTime.estimate(net, List.of("a", "b"),
            id -> id.equals("b") ? null : f.get(id), null, SpeedUnit.KMH)).getMessage().contains("no forecast for segment b"));
        assertTrue(assertThrows(RouteException.class, () -> RouteTravelTime.estimate(net, List.of("a"), f::get,
            T0 - MIN, SpeedUnit.KMH)).getMessage().contains("before the forecast"));
        // departing at +58 min: b is reached after the last horizon (+60)
        assertTrue(assertThrows(RouteException.class, () -> RouteTravelTime.estimate(net, List.of("a", "b", "c"),
            f::get, T0 + 58 * MIN, SpeedUnit.KMH)).getMessage().contains("route too long for the forecasts"));
        List<String> huge = new ArrayList<>(Collections.nCopies(RouteTravelTime.MAX_SEGMENTS + 1, "a"));
        assertTrue(assertThrows(RouteException.class, () -> RouteTravelTime.estimate(net, huge, f::get, null,
            SpeedUnit.KMH)).getMessage().contains("route too long"));
    }
}
