package roadcast.topics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import roadcast.forecast.Forecast;

import java.time.Instant;

/**
 * The {@code roadcast.forecast} wire format (docs/CONTRACTS.md), read and written with Jackson trees:
 * {@code {"segment","issuedAt","modelVersion","observedSpeed","imputed","coverage"[,"estimatedSpeed"],"horizonsMin",
 * "speed","level","lower","upper"}}, {@code issuedAt} ISO-8601 UTC, {@code observedSpeed} null when NaN;
 * {@code coverage} "observed" (default: records from before coverage extension have none) or "extended" (a road
 * without history, kriged; {@code estimatedSpeed} its speed now). Serving keeps its own codec so that it needs
 * nothing from the producer's side but the documented format.
 */
public final class ForecastWire {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ForecastWire() {
    }

    public static Forecast parse(String text) throws WireFormatException {
        if (text == null) {
            throw new WireFormatException("missing-value", "record has no value");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new WireFormatException("bad-json", e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new WireFormatException("bad-json", "forecast must be a JSON object");
        }
        String segment = text(root, "segment");
        if (segment.indexOf('\0') >= 0) {
            throw new WireFormatException("bad-field", "segment id contains a NUL character");
        }
        long issuedAt = WireTime.parse(root.get("issuedAt"), "issuedAt");
        String modelVersion = root.hasNonNull("modelVersion") ? root.get("modelVersion").asText() : "";
        JsonNode observedNode = root.get("observedSpeed");
        double observed = observedNode == null || observedNode.isNull() ? Double.NaN : number(observedNode, "observedSpeed");
        boolean imputed = root.path("imputed").asBoolean(false);
        JsonNode horizonsNode = array(root, "horizonsMin");
        int n = horizonsNode.size();
        if (n == 0) {
            throw new WireFormatException("bad-field", "horizonsMin is empty");
        }
        int[] horizons = new int[n];
        for (int h = 0; h < n; h++) {
            JsonNode v = horizonsNode.get(h);
            if (!v.canConvertToInt() || v.asInt() <= 0) {
                throw new WireFormatException("bad-field", "horizonsMin[" + h + "] is not a positive integer: " + v);
            }
            horizons[h] = v.asInt();
        }
        double[] speed = numbers(root, "speed", n);
        double[] lower = numbers(root, "lower", n);
        double[] upper = numbers(root, "upper", n);
        JsonNode levelNode = array(root, "level");
        if (levelNode.size() != n) {
            throw new WireFormatException("bad-field", "level has " + levelNode.size() + " entries, horizonsMin has " + n);
        }
        String[] level = new String[n];
        for (int h = 0; h < n; h++) {
            level[h] = levelNode.get(h).asText();
        }
        JsonNode coverageNode = root.get("coverage");
        String coverage = coverageNode == null || coverageNode.isNull() ? Forecast.OBSERVED : coverageNode.asText();
        if (!Forecast.OBSERVED.equals(coverage) && !Forecast.EXTENDED.equals(coverage)) {
            throw new WireFormatException("bad-field", "coverage is neither observed nor extended: " + coverageNode);
        }
        JsonNode estimatedNode = root.get("estimatedSpeed");
        double estimated = estimatedNode == null || estimatedNode.isNull() ? Double.NaN
            : number(estimatedNode, "estimatedSpeed");
        return new Forecast(segment, issuedAt, modelVersion, observed, imputed, horizons, speed, level, lower, upper,
            coverage, estimated);
    }

    public static String write(Forecast f) {
        return toNode(f).toString();
    }

    public static ObjectNode toNode(Forecast f) {
        ObjectNode o = JSON.createObjectNode();
        o.put("segment", f.segment());
        o.put("issuedAt", Instant.ofEpochMilli(f.issuedAt()).toString());
        o.put("modelVersion", f.modelVersion());
        putNumber(o, "observedSpeed", f.observedSpeed());
        o.put("imputed", f.imputed());
        o.put("coverage", f.coverage());
        if (f.extended()) {
            putNumber(o, "estimatedSpeed", f.estimatedSpeed());
        }
        ArrayNode h = o.putArray("horizonsMin");
        for (int v : f.horizonsMin()) {
            h.add(v);
        }
        putNumbers(o.putArray("speed"), f.speed());
        ArrayNode l = o.putArray("level");
        for (String v : f.level()) {
            l.add(v);
        }
        putNumbers(o.putArray("lower"), f.lower());
        putNumbers(o.putArray("upper"), f.upper());
        return o;
    }

    /** JSON has no NaN: a missing number is written as null. */
    public static void putNumber(ObjectNode o, String field, double v) {
        if (Double.isFinite(v)) {
            o.put(field, v);
        } else {
            o.putNull(field);
        }
    }

    private static void putNumbers(ArrayNode a, double[] values) {
        for (double v : values) {
            if (Double.isFinite(v)) {
                a.add(v);
            } else {
                a.addNull();
            }
        }
    }

    private static String text(JsonNode root, String field) throws WireFormatException {
        JsonNode v = root.get(field);
        if (v == null || v.isNull() || v.asText().isBlank()) {
            throw new WireFormatException("missing-field", "field '" + field + "' is missing or blank");
        }
        return v.asText();
    }

    private static JsonNode array(JsonNode root, String field) throws WireFormatException {
        JsonNode v = root.get(field);
        if (v == null || !v.isArray()) {
            throw new WireFormatException("missing-field", "field '" + field + "' is missing or not an array");
        }
        return v;
    }

    private static double[] numbers(JsonNode root, String field, int n) throws WireFormatException {
        JsonNode a = array(root, field);
        if (a.size() != n) {
            throw new WireFormatException("bad-field", field + " has " + a.size() + " entries, horizonsMin has " + n);
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            JsonNode v = a.get(i);
            out[i] = v.isNull() ? Double.NaN : number(v, field + "[" + i + "]");
        }
        return out;
    }

    static double number(JsonNode v, String field) throws WireFormatException {
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isTextual()) {
            try {
                return Double.parseDouble(v.asText());
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new WireFormatException("bad-field", "field '" + field + "' is not a number: " + v);
    }

}
