package roadcast.synthetic;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import roadcast.datasets.DatasetDescription;
import roadcast.network.RoadNetwork;

/**
 * Writes a synthetic city in the shared layout ({@code speed.csv.gz}, {@code sensors.csv} with coordinates and
 * road classes, {@code edges.csv} with distances, {@code events.csv} with the ground truth of incidents and stuck
 * sensors, {@code README.md}). Speeds in km/h:
 * <pre>v_i(t) = ff_i * (1 - a_{i,d} (1 - r_{p(i)}(t))) * (1 - 0.75 q_i(t)) * (1 + e_i(t))</pre>
 * with ff the free-flow speed of the road class, r the segment's weekly shape (a real METR-LA sensor's mean week
 * where available), a a day-to-day amplitude around 1, q the queue level spreading upstream from incidents
 * ({@link QueueSpread}) and e AR(1) noise e(t) = 0.7 e(t-1) + 0.03 N(0,1). Sensor dropouts leave empty cells; a few
 * sensors freeze for hours. Rows are generated and written one at a time, so memory does not grow with the days;
 * everything is drawn from one seeded generator in a fixed order, so a seed always gives the same bytes.
 */
public final class CityGenerator {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT);
    private static final int THURSDAY = 4;
    /** Queue share passed one link upstream per 5 minutes. */
    private static final float CARRY = 0.8f;
    private static final double DROPOUT_START = 0.0004;
    private static final double SINGLE_MISSING = 0.002;

    private final CityConfig config;

    public CityGenerator(CityConfig config) {
        this.config = config;
    }

    /** Generates into {@code out} (created if absent); {@code progress} receives the number of rows written. */
    public GenerationSummary generate(Path out, IntConsumer progress) throws IOException {
        long began = System.nanoTime();
        Files.createDirectories(out);
        SplittableRandom random = new SplittableRandom(config.seed());
        CityLayout city = CityLayout.grid(config.segments(), random);
        int n = city.segments;
        int steps = config.steps();
        int step = config.stepMinutes();
        int stepsPerDay = 24 * 60 / step;

        // one weekly shape per segment, resampled to the step
        WeekProfiles profiles = config.profiles();
        float[][] shapeOf = new float[profiles.count()][];
        int[] profile = new int[n];
        for (int i = 0; i < n; i++) {
            profile[i] = random.nextInt(profiles.count());
            if (shapeOf[profile[i]] == null) {
                shapeOf[profile[i]] = profiles.resampled(profile[i], step);
            }
        }
        int slotsPerWeek = 7 * 24 * 60 / step;
        LocalDateTime start = config.start();
        int startMinute = Math.floorMod(start.getDayOfWeek().getValue() - THURSDAY, 7) * 1440
                + start.getHour() * 60 + start.getMinute();
        int startSlot = startMinute / step;

        // stuck sensors: one frozen episode of 2..8 hours each
        int stuckCount = Math.max(1, n / 200);
        int[] stuckSegment = new int[stuckCount];
        int[] stuckFrom = new int[stuckCount];
        int[] stuckTo = new int[stuckCount];
        int[] stuckIndex = new int[n];
        Arrays.fill(stuckIndex, -1);
        for (int s = 0; s < stuckCount; s++) {
            int seg;
            do {
                seg = random.nextInt(n);
            } while (stuckIndex[seg] >= 0);
            stuckIndex[seg] = s;
            stuckSegment[s] = seg;
            int length = Math.max(2, (120 + random.nextInt(361)) / step);
            stuckFrom[s] = random.nextInt(Math.max(1, steps - length));
            stuckTo[s] = Math.min(steps, stuckFrom[s] + length);
        }
        float[] frozen = new float[n];

        double incidentsPerStep = config.incidentsPerSegmentDay() * n / stepsPerDay;
        float carry = (float) Math.pow(CARRY, step / 5.0);
        float[] severity = new float[n];
        int[] incidentEnd = new int[n];
        float[] queue = new float[n];
        float[] nextQueue = new float[n];
        float[] noise = new float[n];
        float[] dayAmplitude = new float[n];
        int[] dropUntil = new int[n];
        StringBuilder events = new StringBuilder("kind,segment,start,end,severity\n");
        int incidents = 0;
        long missing = 0;

        Path speedFile = out.resolve("speed.csv.gz");
        byte[] line = new byte[16 + 32 + n * 8];
        try (OutputStream file = Files.newOutputStream(speedFile);
             OutputStream gz = new FastGzip(file)) {
            int p = put(line, 0, "timestamp");
            for (int i = 0; i < n; i++) {
                line[p++] = ',';
                p = put(line, p, city.ids[i]);
            }
            line[p++] = '\n';
            gz.write(line, 0, p);

            for (int t = 0; t < steps; t++) {
                if (t % stepsPerDay == 0) {
                    for (int i = 0; i < n; i++) {
                        dayAmplitude[i] = (float) Math.min(1.6, Math.max(0.4, 1 + 0.2 * random.nextGaussian()));
                    }
                }
                // incidents: end the old, start new ones (Poisson count by inversion)
                for (int i = 0; i < n; i++) {
                    if (severity[i] > 0 && incidentEnd[i] <= t) {
                        severity[i] = 0;
                    }
                }
                int fresh = poisson(random, incidentsPerStep);
                for (int k = 0; k < fresh; k++) {
                    int seg = random.nextInt(n);
                    int length = Math.max(1, (20 + random.nextInt(101)) / step);
                    severity[seg] = (float) (0.5 + 0.45 * random.nextDouble());
                    incidentEnd[seg] = t + length;
                    incidents++;
                    events.append("incident,").append(city.ids[seg]).append(',').append(TIME.format(time(t)))
                            .append(',').append(TIME.format(time(t + length)))
                            .append(',').append(String.format(Locale.ROOT, "%.2f", severity[seg])).append('\n');
                }
                QueueSpread.step(queue, severity, city.downStart, city.downstream, carry, nextQueue);
                float[] swap = queue;
                queue = nextQueue;
                nextQueue = swap;

                int slot = (startSlot + t) % slotsPerWeek;
                p = put(line, 0, TIME.format(time(t)));
                for (int i = 0; i < n; i++) {
                    noise[i] = (float) (0.7 * noise[i] + 0.03 * random.nextGaussian());
                    double r = shapeOf[profile[i]][slot];
                    double v = city.freeFlowKmh[i] * (1 - dayAmplitude[i] * (1 - r)) * (1 - 0.75 * queue[i])
                            * (1 + noise[i]);
                    v = Math.max(3, Math.min(1.2 * city.freeFlowKmh[i], v));
                    float x = Math.round(v * 10) / 10f;
                    int s = stuckIndex[i];
                    if (s >= 0 && t >= stuckFrom[s] && t < stuckTo[s]) {
                        if (t == stuckFrom[s]) {
                            frozen[i] = x;
                        }
                        x = frozen[i];
                    }
                    if (dropUntil[i] <= t && random.nextDouble() < DROPOUT_START) {
                        dropUntil[i] = t + 1 + random.nextInt(Math.max(1, 180 / step));
                    }
                    boolean absent = dropUntil[i] > t || random.nextDouble() < SINGLE_MISSING;
                    line[p++] = ',';
                    if (absent) {
                        missing++;
                    } else {
                        p = putTenths(line, p, Math.round(x * 10));
                    }
                }
                line[p++] = '\n';
                gz.write(line, 0, p);
                if (progress != null) {
                    progress.accept(t + 1);
                }
            }
        }
        for (int s = 0; s < stuckCount; s++) {
            events.append("stuck,").append(city.ids[stuckSegment[s]]).append(',')
                    .append(TIME.format(time(stuckFrom[s]))).append(',').append(TIME.format(time(stuckTo[s])))
                    .append(",\n");
        }
        RoadNetwork network = city.network();
        Files.writeString(out.resolve("sensors.csv"), DatasetDescription.sensorsCsv(network), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("edges.csv"), DatasetDescription.edgesCsv(network), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("events.csv"), events.toString(), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("README.md"), readme(n, steps, incidents, stuckCount), StandardCharsets.UTF_8);
        return new GenerationSummary(out, n, steps, missing, incidents, stuckCount, Files.size(speedFile),
                (System.nanoTime() - began) / 1_000_000);
    }

    private LocalDateTime time(int row) {
        return config.start().plusMinutes((long) row * config.stepMinutes());
    }

    /** Poisson(lambda) by inversion of the CDF; lambda here is at most a few hundred. */
    private static int poisson(SplittableRandom random, double lambda) {
        if (lambda <= 0) {
            return 0;
        }
        if (lambda > 50) {
            return (int) Math.max(0, Math.round(lambda + Math.sqrt(lambda) * random.nextGaussian()));
        }
        double u = random.nextDouble();
        double p = Math.exp(-lambda);
        double cdf = p;
        int k = 0;
        while (u > cdf && k < 1000) {
            k++;
            p *= lambda / k;
            cdf += p;
        }
        return k;
    }

    private String readme(int n, int steps, int incidents, int stuck) {
        return "# Synthetic city (generated; not real data)\n\n"
                + "Generated by `roadcast generate --segments " + config.segments() + " --days " + config.days()
                + " --step " + config.stepMinutes() + " --seed " + config.seed() + "` (" + getClass().getName()
                + "). The same command and seed give byte-identical files.\n\n"
                + "Speed unit: km/h\n"
                + "Time zone: UTC\n\n"
                + "**Shape.** " + steps + " steps x " + n + " segments, every " + config.stepMinutes()
                + " min from " + TIME.format(config.start()) + ".\n\n"
                + "**Road graph.** A square grid of " + (int) CityLayout.BLOCK_METRES + " m blocks, one segment per "
                + "street and direction; every 8th street an expressway (free flow ~100 km/h), every 4th an arterial "
                + "(~60), every 2nd a secondary road (~50), the rest branch roads (~40). `edges.csv` links a segment to "
                + "the segments leaving the intersection it enters (distance in metres); `sensors.csv` has "
                + "coordinates and `road_class`.\n\n"
                + "**Speeds.** Weekly shape per segment from " + config.profiles().source() + ", scaled to the "
                + "segment's free-flow speed, a day-to-day amplitude, AR(1) noise, and " + incidents + " random "
                + "incidents whose queues spread upstream along the links (one link per 5 minutes, 80% carried).\n\n"
                + "**Missing-value convention.** Empty cells = sensor dropout (no reading); no zeros are written. "
                + stuck + " sensors freeze at one value for 2-8 hours. Ground truth of incidents and frozen sensors "
                + "in `events.csv`.\n\n"
                + "**Licence.** n/a (synthetic). Weekly shapes derived from METR-LA (DCRNN, Li et al., ICLR 2018) "
                + "where that profile was available.\n";
    }

    private static int put(byte[] buffer, int p, String text) {
        for (int k = 0; k < text.length(); k++) {
            buffer[p++] = (byte) text.charAt(k);
        }
        return p;
    }

    /** Writes tenths as a decimal with one digit after the point ("57.3"), without a String. */
    private static int putTenths(byte[] buffer, int p, int tenths) {
        int whole = tenths / 10;
        int frac = tenths % 10;
        if (whole >= 100) {
            buffer[p++] = (byte) ('0' + whole / 100);
            whole %= 100;
            buffer[p++] = (byte) ('0' + whole / 10);
        } else if (whole >= 10) {
            buffer[p++] = (byte) ('0' + whole / 10);
        }
        buffer[p++] = (byte) ('0' + whole % 10);
        buffer[p++] = '.';
        buffer[p++] = (byte) ('0' + frac);
        return p;
    }

    /** gzip at the fastest level: the file is written once and read many times, size matters less than time. */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, 1 << 20);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }
}
