package roadcast.topics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import roadcast.reading.Source;
import roadcast.store.Observation;

import java.util.Locale;

/**
 * The {@code roadcast.speed} wire format (docs/CONTRACTS.md):
 * {@code {"segment","time"(ISO-8601 or epoch ms),"speed","source"[,"flow","occupancy"]}}.
 */
public final class SpeedWire {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SpeedWire() {
    }

    public static Observation parse(String text) throws WireFormatException {
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
            throw new WireFormatException("bad-json", "reading must be a JSON object");
        }
        JsonNode seg = root.get("segment");
        if (seg == null || seg.isNull() || seg.asText().isBlank()) {
            throw new WireFormatException("missing-field", "field 'segment' is missing or blank");
        }
        if (seg.asText().indexOf('\0') >= 0) {
            throw new WireFormatException("bad-field", "segment id contains a NUL character");
        }
        long time = WireTime.parse(root.get("time"), "time");
        JsonNode speedNode = root.get("speed");
        if (speedNode == null || speedNode.isNull()) {
            throw new WireFormatException("missing-field", "field 'speed' is missing");
        }
        double speed = ForecastWire.number(speedNode, "speed");
        if (!Double.isFinite(speed)) {
            throw new WireFormatException("bad-field", "speed is not finite");
        }
        return new Observation(seg.asText(), time, speed, source(root.get("source")));
    }

    /** Unknown or missing sources are kept as OTHER, the least credible class, rather than dropped. */
    static Source source(JsonNode v) {
        if (v == null || v.isNull()) {
            return Source.OTHER;
        }
        String name = v.asText().trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
        for (Source s : Source.values()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return Source.OTHER;
    }

    public static String write(Observation o) {
        var node = JSON.createObjectNode();
        node.put("segment", o.segment());
        node.put("time", java.time.Instant.ofEpochMilli(o.timeMillis()).toString());
        node.put("speed", o.speed());
        node.put("source", o.source().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        return node.toString();
    }
}
