package roadcast.forecast;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The wire codec of {@link Forecast} on the forecast topic and the HTTP API:
 * {@code {"segment","issuedAt","modelVersion","observedSpeed","imputed","coverage"[,"estimatedSpeed"],"horizonsMin",
 * "speed","level","lower","upper"}} with {@code issuedAt} ISO-8601 UTC and NaN numbers (e.g. no observed speed) as
 * null. {@code coverage} is "observed" or "extended" (a road without history, kriged; then {@code estimatedSpeed} is
 * its speed now); records written before coverage extension have neither and read as observed. Thread-safe.
 */
public final class ForecastJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ForecastJson() {
    }

    /** Encoding goes through one writer per thread (it reuses its buffer): the only encoder of the format. */
    private static final ThreadLocal<ForecastJsonWriter> WRITER = ThreadLocal.withInitial(ForecastJsonWriter::new);

    public static String toJson(Forecast f) {
        return new String(toBytes(f), StandardCharsets.UTF_8);
    }

    public static byte[] toBytes(Forecast f) {
        return WRITER.get().toBytes(f);
    }

    public static Forecast fromJson(String json) {
        JsonNode o;
        try {
            o = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        return fromTree(o);
    }

    public static Forecast fromBytes(byte[] json) {
        try {
            return fromTree(JSON.readTree(json));
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }

    public static Forecast fromTree(JsonNode o) {
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("a forecast must be a JSON object");
        }
        String segment = text(o, "segment");
        JsonNode issued = field(o, "issuedAt");
        long issuedAt;
        if (issued.isNumber()) {
            issuedAt = issued.asLong();
        } else {
            try {
                issuedAt = Instant.parse(issued.asText()).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("issuedAt '" + issued.asText() + "' is not ISO-8601 or epoch ms");
            }
        }
        JsonNode observed = o.get("observedSpeed");
        double observedSpeed = observed == null || observed.isNull() ? Double.NaN : observed.asDouble();
        JsonNode hz = array(o, "horizonsMin");
        int[] horizonsMin = new int[hz.size()];
        for (int k = 0; k < horizonsMin.length; k++) {
            horizonsMin[k] = hz.get(k).asInt();
        }
        JsonNode lv = array(o, "level");
        String[] level = new String[lv.size()];
        for (int k = 0; k < level.length; k++) {
            level[k] = lv.get(k).isNull() ? null : lv.get(k).asText();
        }
        double[] speed = doubles(o, "speed");
        double[] lower = doubles(o, "lower");
        double[] upper = doubles(o, "upper");
        for (int len : new int[] {speed.length, level.length, lower.length, upper.length}) {
            if (len != horizonsMin.length) {
                throw new IllegalArgumentException("forecast arrays of different lengths: " + horizonsMin.length
                        + " horizons, " + speed.length + " speeds, " + level.length + " levels, " + lower.length
                        + " lower, " + upper.length + " upper");
            }
        }
        JsonNode cov = o.get("coverage");
        String coverage = cov == null || cov.isNull() ? Forecast.OBSERVED : cov.asText();
        if (!Forecast.OBSERVED.equals(coverage) && !Forecast.EXTENDED.equals(coverage)) {
            throw new IllegalArgumentException("coverage '" + coverage + "' is neither observed nor extended");
        }
        JsonNode est = o.get("estimatedSpeed");
        double estimatedSpeed = est == null || est.isNull() ? Double.NaN : est.asDouble();
        return new Forecast(segment, issuedAt, text(o, "modelVersion"), observedSpeed,
                field(o, "imputed").asBoolean(), horizonsMin, speed, level, lower, upper, coverage, estimatedSpeed);
    }

    private static JsonNode field(JsonNode o, String name) {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("forecast has no '" + name + "'");
        }
        return v;
    }

    private static String text(JsonNode o, String name) {
        return field(o, name).asText();
    }

    private static JsonNode array(JsonNode o, String name) {
        JsonNode v = field(o, name);
        if (!v.isArray()) {
            throw new IllegalArgumentException("'" + name + "' must be an array");
        }
        return v;
    }

    private static double[] doubles(JsonNode o, String name) {
        JsonNode a = array(o, name);
        double[] out = new double[a.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = a.get(k).isNull() ? Double.NaN : a.get(k).asDouble();
        }
        return out;
    }
}
