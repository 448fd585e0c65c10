package roadcast.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Format 2 adds zone ids and the card's zoning and gate; a format 1 file (models in service today) still reads. */
class ModelFileFormat1Test {

    /** The format 1 bytes of a model: no zone ids in the header, no zoning or gate in the card, no bands. */
    static byte[] formatOne(ManifoldModel model, Path dir) throws Exception {
        return olderFormat(model, dir, 1);
    }

    /**
     * The bytes of a model in an older format: format 6 has no zone nowcast smoothing, format 5 has no zone jump arrays and no profile slot width (and, as
     * the builds before the detector's scale wrote it, no {@code zoneZ.alertSigma} and {@code zoneZ.alertBand}),
     * format 4 also no zone trend arrays and one blend weight per horizon and segment (written: the first regime's),
     * format 2 no zone band and blend arrays (format 3), format 1 also no zone ids, zoning or gate. The payload's
     * sha256 in the card follows the shorter payload.
     */
    static byte[] olderFormat(ManifoldModel model, Path dir, int version) throws Exception {
        Path file = dir.resolve("current.rcm");
        ModelFile.write(model, file);
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        in.position(ModelFile.MAGIC.length);
        assertEquals(ModelFile.FORMAT_VERSION, in.getInt());
        int headerLength = in.getInt();
        byte[] header = new byte[headerLength];
        in.get(header);
        long payloadLength = in.getLong();
        byte[] payload = new byte[(int) payloadLength];
        in.get(payload);
        ObjectMapper json = new ObjectMapper();
        ObjectNode h = (ObjectNode) json.readTree(header);
        java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();
        com.fasterxml.jackson.databind.node.ArrayNode arrays = json.createArrayNode();
        int at = 0;
        for (com.fasterxml.jackson.databind.JsonNode a : h.get("arrays")) {
            int bytes = (int) a.get("length").asLong() * (a.get("type").asText().equals("f32") ? 4 : 8);
            String name = a.get("name").asText();
            boolean newer = version < 3 && (name.endsWith(".band") || name.endsWith(".blend"))
                    || version < 5 && name.endsWith(".trend")
                    || version < 6 && (name.endsWith(".jump") || name.endsWith(".jumpThreshold"))
                    || version < 7 && name.endsWith(".nowcastSmoothing")
                    // the detector's scale: absent from every file written before it
                    || version <= 5 && (name.endsWith(".alertSigma") || name.endsWith(".alertBand"));
            if (!newer && version < 5 && name.endsWith(".blend")) {
                // formats 3 and 4: one blend weight per horizon and segment, here the first regime's
                int zone = Integer.parseInt(name.substring("zone".length(), name.indexOf('.')));
                int n = h.get("zones").get(zone).get("segments").size();
                int horizons = (int) a.get("length").asLong() / (ZoneModel.REGIMES * n);
                for (int hz = 0; hz < horizons; hz++) {
                    kept.write(payload, at + 8 * ZoneModel.blendIndex(hz, 0, 0, n), 8 * n);
                }
                ((ObjectNode) a).put("length", (long) horizons * n);
                arrays.add(a);
            } else if (!newer) {
                kept.write(payload, at, bytes);
                arrays.add(a);
            }
            at += bytes;
        }
        h.set("arrays", arrays);
        byte[] oldPayload = kept.toByteArray();
        ((ObjectNode) h.get("card")).put("payloadSha256",
                java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(oldPayload)));
        if (version < 8) {
            // format 7 and older: no level holds
            h.remove("levelHold");
        }
        if (version < 6) {
            // format 5 and older: every zone's profile at the step (the fixtures' 5-minute models), no slot width
            h.get("zones").forEach(z -> ((ObjectNode) z).remove("profileSlotMillis"));
        }
        if (version < 2) {
            ((ObjectNode) h.get("card")).remove("zoning");
            ((ObjectNode) h.get("card")).remove("gate");
            h.get("zones").forEach(z -> ((ObjectNode) z).remove("id"));
        }
        byte[] oldHeader = json.writeValueAsString(h).getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(ModelFile.MAGIC.length + 8 + oldHeader.length + 8 + oldPayload.length + 32)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(ModelFile.MAGIC).putInt(version).putInt(oldHeader.length).put(oldHeader).putLong(oldPayload.length)
                .put(oldPayload);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(out.array(), 0, out.position());
        out.put(sha.digest());
        return out.array();
    }

    @Test
    void readsFormatOneWithZoneIdsEqualToIndices(@TempDir Path dir) throws Exception {
        ManifoldModel model = ModelFileTest.model();
        ManifoldModel relabelled = new ManifoldModel(model.card(), model.network(), model.unit(), model.step(),
                model.timeZone(), model.horizonsMin(), zones(model), reversedIds(model.zoneCount()),
                freeFlow(model), model.credibility(), model.skill());
        ManifoldModel v2 = ModelFile.read(write(dir.resolve("ids.rcm"), relabelled));
        assertArrayEquals(reversedIds(model.zoneCount()), v2.zoneIds(), "format 2 keeps the stable ids");

        Path old = dir.resolve("v1.rcm");
        Files.write(old, formatOne(relabelled, dir));
        ManifoldModel v1 = ModelFile.read(old);
        int[] indices = new int[model.zoneCount()];
        java.util.Arrays.setAll(indices, z -> z);
        assertArrayEquals(indices, v1.zoneIds());
        assertNull(v1.card().zoning());
        assertNull(v1.card().gate());
        assertEquals(model.zoneCount(), v1.zoneCount());
        for (int z = 0; z < model.zoneCount(); z++) {
            ZoneModel zm = model.zone(z);
            assertEquals(zm.withoutTrend().withoutJump().withoutNowcastSmoothing().withBands(zm.sigma(),
                    ZoneModel.symmetricBand(zm.horizons(), zm.bandZ()),
                    new double[zm.blend().length]), v1.zone(z), "format 1 has no calibrated band and no blend");
        }
    }

    private static Path write(Path file, ManifoldModel model) throws Exception {
        ModelFile.write(model, file);
        return file;
    }

    private static ZoneModel[] zones(ManifoldModel m) {
        ZoneModel[] z = new ZoneModel[m.zoneCount()];
        java.util.Arrays.setAll(z, m::zone);
        return z;
    }

    private static double[] freeFlow(ManifoldModel m) {
        double[] f = new double[m.network().size()];
        java.util.Arrays.setAll(f, m::freeFlowSpeed);
        return f;
    }

    private static int[] reversedIds(int zones) {
        int[] ids = new int[zones];
        java.util.Arrays.setAll(ids, z -> 10 + zones - z);
        return ids;
    }
}
