package roadcast.model;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import roadcast.clean.CredibilityRules;
import roadcast.history.SpeedUnit;
import roadcast.kriging.KrigingKernel;
import roadcast.kriging.KrigingModel;
import roadcast.manifold.ProfileGrid;
import roadcast.network.Link;
import roadcast.network.RoadClass;
import roadcast.network.RoadNetwork;
import roadcast.network.Segment;
import roadcast.skill.SkillTable;

/**
 * The versioned binary model file ({@code .rcm}):
 * <pre>
 * magic      8 bytes  "RCMODEL" 0x1A
 * version    int32 LE format version ({@value #FORMAT_VERSION})
 * headerLen  int32 LE
 * header     UTF-8 JSON: card, unit, step, time zone, horizons, level holds, credibility rules, network, zones (stable id,
 *            segments, shape), array list, and (when the model extends to roads without data) "kriging": K,
 *            width, ridge, extended segments, excluded ids
 * payloadLen int64 LE
 * payload    the arrays of the header's list, in order: little-endian float64 ("f64") or float32 ("f32")
 * sha256     32 bytes over everything before it
 * </pre>
 * Reading refuses a file with the wrong magic, a newer format, a short length, a checksum mismatch or arrays whose
 * shapes do not match the zones they belong to, with a {@link ModelFormatException} naming the file.
 * <p>Format 2 adds each zone's stable {@code id} (see {@link ManifoldModel#zoneId}), the card's zoning record and
 * gate verdict, and the optional kriging section; format 1 files are still read (zone ids = indices, no zoning
 * record, no kriging). Format 3 adds each zone's calibrated band ({@code zoneZ.band}) and blend toward the nowcast
 * ({@code zoneZ.blend}, see {@link ZoneModel}); a file of format 2 or older reads with the band +-bandZ sigma and no
 * blend, the forecasts it always gave. Format 4 adds the kriging layer's level features ({@code kriging.levels} in the
 * header, {@code kriging.level} per extended segment, see {@link roadcast.kriging.SegmentLevel}); the kriging layer
 * of an older file reads without them (levels 0), the kernel it was fitted with. Format 5 adds each zone's profile
 * trend ({@code trendHalfWindow} in the zone's header, {@code zoneZ.trend} weights, see {@link ZoneModel}) and a blend
 * weight per regime ({@code zoneZ.blend} [H * 2 * n]); a zone of an older file reads with trend weights 0 and its one
 * blend weight in both regimes, the forecast it always gave. Format 6 records each zone's profile slot width
 * ({@code profileSlotMillis} in the zone's header, see {@link ProfileGrid}): below 5-minute steps the profile is kept
 * on 5-minute slots interpolated to the step (a fifth of the 1-minute profile that was most of a large model), and
 * {@code zoneZ.profile} has the slots' length; a zone of an older file (or without the field) has its profile at the
 * step, as it was written. Format 6 also adds each zone's jump term of the local correction ({@code zoneZ.jump}
 * weights, {@code zoneZ.jumpThreshold} thresholds, see {@link roadcast.manifold.LocalCorrection}); a zone of an older
 * file reads without it (weights 0), the forecast it always gave. Format 7 adds each zone's nowcast smoothing
 * ({@code zoneZ.nowcastSmoothing} [H * 15] weights, see {@link ZoneModel#nowcastSmoothing()}); a zone of an older file
 * reads without it (weights 0), the forecast it always gave. Format 8 adds the level hold of each horizon
 * ({@code levelHold} in the header, see {@link roadcast.congestion.LevelHold}); an older file reads with holds 0, the
 * levels it always gave. Format 9 lets the horizons be spaced ({@code horizonsMin} 1, 5, 10, ... at 1-minute steps,
 * {@link HorizonLeads}); nothing else changes, but a reader of format 8 would take such horizons for consecutive
 * steps and forecast the wrong lead times, so it must refuse the file, and a file of format 8 or older whose horizons
 * are not every step is refused here. Format 10 adds the kriging kernel's lagged feature (the neighbours' kernel mean
 * one step earlier, {@link KrigingKernel#lagFeature}): {@code kriging.beta} rows grow by one coefficient after the
 * level features; the kriging layer of an older file reads with that coefficient 0, the estimate it always gave.
 * An older build refuses a newer file as newer than it reads.
 * <p>The incident detector's scale of each zone ({@code zoneZ.alertSigma}, {@code zoneZ.alertBand}, see
 * {@link ZoneModel#alertSigma()}), listed after all zones' other arrays, is optional (since format 5): written when a
 * zone has one, detected by its presence in the array list when read. A file without it (the builds before it, or a
 * model whose detector reads the forecast band) reads with the detector on the forecast band (sigma and band), the
 * band its detector always read.
 */
public final class ModelFile {

    public static final int FORMAT_VERSION = 10;
    static final byte[] MAGIC = {'R', 'C', 'M', 'O', 'D', 'E', 'L', 0x1A};
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelFile() {
    }

    /** sha256 (hex) of the model's numeric payload, as recorded in its card. */
    public static String payloadSha256(ManifoldModel model) {
        MessageDigest digest = sha256();
        try (OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
            writePayload(model, out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot hash the payload", e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Writes atomically: a temporary file beside the target, then a move. */
    public static void write(ManifoldModel model, Path file) throws IOException {
        String payloadSha = payloadSha256(model);
        ManifoldModel stamped = payloadSha.equals(model.card().payloadSha256()) ? model
                : model.withCard(model.card().withPayloadSha256(payloadSha));
        byte[] header = JSON.writeValueAsBytes(header(stamped));
        long payloadLength = payloadBytes(stamped);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".model-", ".tmp");
        try {
            MessageDigest digest = sha256();
            try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
                 DigestOutputStream out = new DigestOutputStream(raw, digest)) {
                out.write(MAGIC);
                out.write(le(4).putInt(FORMAT_VERSION).array());
                out.write(le(4).putInt(header.length).array());
                out.write(header);
                out.write(le(8).putLong(payloadLength).array());
                writePayload(stamped, out);
                out.on(false);
                out.write(digest.digest());
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Bytes the reader takes from the file at a time: the payload streams through one buffer of this size. */
    static final int CHUNK_BYTES = 1 << 20;

    /**
     * Reads a model file without holding it in memory: the checksums are computed over the file streamed in chunks,
     * then the arrays are read from it chunk by chunk into the model's own arrays, so the heap holds the model once
     * (not also the file's bytes) and a file larger than the 2 GB of one Java array reads like any other.
     */
    public static ManifoldModel read(Path file) throws IOException {
        return read(file, CHUNK_BYTES);
    }

    /** {@link #read(Path)} through a buffer of {@code chunkBytes} (at least 8; small in tests to cross chunk ends). */
    static ManifoldModel read(Path file, int chunkBytes) throws IOException {
        if (chunkBytes < 8) {
            throw new IllegalArgumentException("chunk of " + chunkBytes + " bytes, need at least 8");
        }
        try (FileChannel channel = open(file)) {
            return parse(channel, file.toString(), chunkBytes);
        }
    }

    private static FileChannel open(Path file) throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file + ": no such model file");
        }
    }

    private static ManifoldModel parse(FileChannel channel, String name, int chunkBytes) throws IOException {
        long size = channel.size();
        int preamble = MAGIC.length + 8;
        byte[] head = readAt(channel, 0, (int) Math.min(size, preamble), name);
        if (size < preamble) {
            if (size >= MAGIC.length && !startsWithMagic(head)) {
                throw new ModelFormatException(name + ": not a Roadcast model file (wrong magic bytes)");
            }
            throw new ModelFormatException(name + ": truncated (" + size + " bytes, shorter than the preamble)");
        }
        if (!startsWithMagic(head)) {
            throw new ModelFormatException(name + ": not a Roadcast model file (wrong magic bytes)");
        }
        ByteBuffer buf = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        buf.position(MAGIC.length);
        int version = buf.getInt();
        if (version > FORMAT_VERSION) {
            throw new ModelFormatException(name + ": model format version " + version
                    + " is newer than this build reads (up to " + FORMAT_VERSION + "); upgrade Roadcast");
        }
        if (version < 1) {
            throw new ModelFormatException(name + ": invalid model format version " + version);
        }
        int headerLength = buf.getInt();
        long left = size - preamble;
        if (headerLength < 0 || (long) headerLength + 8 + 32 > left) {
            throw new ModelFormatException(name + ": truncated (header of " + headerLength + " bytes declared, "
                    + left + " bytes left in the file)");
        }
        long headerStart = preamble;
        byte[] headerBytes = readAt(channel, headerStart, headerLength, name);
        long payloadLength = ByteBuffer.wrap(readAt(channel, headerStart + headerLength, 8, name))
                .order(ByteOrder.LITTLE_ENDIAN).getLong();
        long payloadStart = headerStart + headerLength + 8;
        long expectedTotal = payloadStart + payloadLength + 32;
        if (payloadLength < 0 || expectedTotal > size) {
            throw new ModelFormatException(name + ": truncated (" + size + " bytes, the header declares "
                    + expectedTotal + ")");
        }
        if (expectedTotal < size) {
            throw new ModelFormatException(name + ": " + (size - expectedTotal)
                    + " unexpected bytes after the checksum");
        }
        long checksumAt = payloadStart + payloadLength;
        // first pass: sha256 of everything before the checksum, and of the payload alone (the card's), streamed
        MessageDigest digest = sha256();
        MessageDigest payloadDigest = sha256();
        ByteBuffer chunk = ByteBuffer.allocate(chunkBytes);
        for (long at = 0; at < checksumAt; ) {
            chunk.clear();
            chunk.limit((int) Math.min(chunkBytes, checksumAt - at));
            fill(channel, chunk, at, name);
            int got = chunk.limit();
            digest.update(chunk.array(), 0, got);
            long from = Math.max(at, payloadStart);
            if (at + got > from) {
                payloadDigest.update(chunk.array(), (int) (from - at), (int) (at + got - from));
            }
            at += got;
        }
        byte[] actual = digest.digest();
        byte[] stored = readAt(channel, checksumAt, 32, name);
        if (!MessageDigest.isEqual(actual, stored)) {
            throw new ModelFormatException(name + ": checksum mismatch (sha256 " + HexFormat.of().formatHex(actual)
                    + ", file says " + HexFormat.of().formatHex(stored) + "): the file is corrupt");
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(headerBytes, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(name + ": unreadable header JSON: " + e.getOriginalMessage(), e);
        }
        String payloadSha = HexFormat.of().formatHex(payloadDigest.digest());
        // second pass: the arrays, straight from the file into the model's arrays
        Payload payload = new Payload(channel, payloadStart, payloadLength, chunkBytes, name);
        try {
            return fromHeader(header, payload, payloadSha, name, version);
        } catch (IllegalArgumentException | NullPointerException | JsonProcessingException
                 | java.time.DateTimeException e) {
            throw new ModelFormatException(name + ": inconsistent model: " + e.getMessage(), e);
        }
    }

    /** {@code length} bytes of the file from {@code position}. */
    private static byte[] readAt(FileChannel channel, long position, int length, String name) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        fill(channel, b, position, name);
        return b.array();
    }

    /** Fills {@code b} from its position to its limit with the file's bytes from {@code position}. */
    private static void fill(FileChannel channel, ByteBuffer b, long position, String name) throws IOException {
        long at = position;
        while (b.hasRemaining()) {
            int read = channel.read(b, at);
            if (read < 0) {
                throw new ModelFormatException(name + ": truncated (the file ended at byte " + at + " while read)");
            }
            at += read;
        }
    }

    private static boolean startsWithMagic(byte[] bytes) {
        for (int k = 0; k < MAGIC.length; k++) {
            if (bytes[k] != MAGIC[k]) {
                return false;
            }
        }
        return true;
    }

    private static ObjectNode header(ManifoldModel model) {
        ObjectNode h = JSON.createObjectNode();
        h.set("card", JSON.valueToTree(model.card()));
        h.put("unit", model.unit().name());
        h.put("stepMillis", model.step().toMillis());
        h.put("timeZone", model.timeZone().getId());
        ArrayNode horizons = h.putArray("horizonsMin");
        for (int m : model.horizonsMin()) {
            horizons.add(m);
        }
        ArrayNode holds = h.putArray("levelHold");
        for (double k : model.levelHold()) {
            holds.add(k);
        }
        CredibilityRules rules = model.credibility();
        if (rules != null) {
            ObjectNode c = h.putObject("credibility");
            c.put("minSpeed", rules.minSpeed());
            c.put("maxSpeed", rules.maxSpeed());
            c.put("maxJump", rules.maxJump());
            c.put("stuckSteps", rules.stuckSteps());
            c.put("maxFutureMillis", rules.maxFutureMillis());
            c.put("allowedLatenessMillis", rules.allowedLatenessMillis());
            c.put("zeroIsMissing", rules.zeroIsMissing());
        }
        ArrayNode segments = h.putArray("segments");
        for (Segment s : model.network().segments()) {
            ArrayNode row = segments.addArray();
            row.add(s.id());
            row.add(s.roadClass().name());
        }
        h.put("links", model.network().links().size());
        ArrayNode zones = h.putArray("zones");
        for (int z = 0; z < model.zoneCount(); z++) {
            ZoneModel zm = model.zone(z);
            ObjectNode zn = zones.addObject();
            zn.put("id", model.zoneId(z));
            ArrayNode members = zn.putArray("segments");
            for (int s : zm.segments()) {
                members.add(s);
            }
            zn.put("rank", zm.rank());
            zn.put("order", zm.order());
            zn.put("lambda", zm.lambda());
            zn.put("eps", zm.eps());
            zn.put("bandZ", zm.bandZ());
            zn.put("trendHalfWindow", zm.trendHalfWindow());
            zn.put("profileSlotMillis", zm.profileSlotMillis());
        }
        KrigingModel kriging = model.kriging();
        if (kriging != null) {
            ObjectNode kn = h.putObject("kriging");
            kn.put("k", kriging.k());
            kn.put("width", kriging.width());
            kn.put("lambda", kriging.lambda());
            kn.put("rows", kriging.rows());
            kn.put("levels", kriging.levels());
            ArrayNode ext = kn.putArray("segments");
            for (Segment s : kriging.segments()) {
                ArrayNode row = ext.addArray();
                row.add(s.id());
                row.add(s.roadClass().name());
            }
            ArrayNode excluded = kn.putArray("excluded");
            kriging.excluded().forEach(excluded::add);
        }
        ArrayNode arrays = h.putArray("arrays");
        for (ArraySpec spec : arraySpecs(model)) {
            ObjectNode a = arrays.addObject();
            a.put("name", spec.name);
            a.put("type", spec.f32 ? "f32" : "f64");
            a.put("length", spec.length);
        }
        return h;
    }

    private record ArraySpec(String name, boolean f32, long length) {
    }

    /** The payload's arrays in order: network geometry, zones, free flow, skill. */
    private static List<ArraySpec> arraySpecs(ManifoldModel model) {
        List<ArraySpec> specs = new ArrayList<>();
        int n = model.network().size();
        int links = model.network().links().size();
        specs.add(new ArraySpec("segment.latitude", false, n));
        specs.add(new ArraySpec("segment.longitude", false, n));
        specs.add(new ArraySpec("link.from", false, links));
        specs.add(new ArraySpec("link.to", false, links));
        specs.add(new ArraySpec("link.distance", false, links));
        specs.add(new ArraySpec("link.weight", false, links));
        for (int z = 0; z < model.zoneCount(); z++) {
            ZoneModel zm = model.zone(z);
            specs.add(new ArraySpec("zone" + z + ".profile", false, zm.profile().length));
            specs.add(new ArraySpec("zone" + z + ".basis", false, zm.basis().length));
            specs.add(new ArraySpec("zone" + z + ".dynamics", false, zm.dynamics().length));
            specs.add(new ArraySpec("zone" + z + ".local", false, zm.local().length));
            specs.add(new ArraySpec("zone" + z + ".sigma", false, zm.sigma().length));
            specs.add(new ArraySpec("zone" + z + ".band", false, zm.band().length));
            specs.add(new ArraySpec("zone" + z + ".blend", false, zm.blend().length));
            specs.add(new ArraySpec("zone" + z + ".trend", false, zm.trend().length));
            specs.add(new ArraySpec("zone" + z + ".jump", false, zm.jump().length));
            specs.add(new ArraySpec("zone" + z + ".jumpThreshold", false, zm.jumpThreshold().length));
            specs.add(new ArraySpec("zone" + z + ".nowcastSmoothing", false, zm.nowcastSmoothing().length));
        }
        if (hasAlertScale(model)) {
            for (int z = 0; z < model.zoneCount(); z++) {
                ZoneModel zm = model.zone(z);
                specs.add(new ArraySpec("zone" + z + ".alertSigma", false, zm.alertSigma().length));
                specs.add(new ArraySpec("zone" + z + ".alertBand", false, zm.alertBand().length));
            }
        }
        specs.add(new ArraySpec("freeFlow", false, n));
        long cells = (long) n * model.horizonsMin().length * SkillTable.PERIODS;
        for (String s : new String[] {"rmseModel", "rmsePersistence", "rmseHistoricalAverage", "pairs"}) {
            specs.add(new ArraySpec("skill." + s, true, cells));
        }
        KrigingModel kriging = model.kriging();
        if (kriging != null) {
            long m = kriging.size();
            long mk = m * kriging.k();
            specs.add(new ArraySpec("kriging.beta", false, kriging.beta().length));
            specs.add(new ArraySpec("kriging.lower", false, kriging.rows()));
            specs.add(new ArraySpec("kriging.upper", false, kriging.rows()));
            specs.add(new ArraySpec("kriging.maskedMae", false, kriging.rows()));
            specs.add(new ArraySpec("kriging.latitude", false, m));
            specs.add(new ArraySpec("kriging.longitude", false, m));
            specs.add(new ArraySpec("kriging.zone", false, m));
            specs.add(new ArraySpec("kriging.neighbours", false, mk));
            specs.add(new ArraySpec("kriging.weight", false, mk));
            specs.add(new ArraySpec("kriging.upstream", false, mk));
            specs.add(new ArraySpec("kriging.distance", false, mk));
            specs.add(new ArraySpec("kriging.level", false, m * kriging.levels()));
        }
        return specs;
    }

    private static long payloadBytes(ManifoldModel model) {
        long total = 0;
        for (ArraySpec spec : arraySpecs(model)) {
            total += spec.length * (spec.f32 ? 4 : 8);
        }
        return total;
    }

    private static void writePayload(ManifoldModel model, OutputStream out) throws IOException {
        PayloadWriter w = new PayloadWriter(out);
        RoadNetwork network = model.network();
        int n = network.size();
        double[] lat = new double[n];
        double[] lon = new double[n];
        for (int i = 0; i < n; i++) {
            lat[i] = network.segment(i).latitude();
            lon[i] = network.segment(i).longitude();
        }
        w.f64(lat);
        w.f64(lon);
        List<Link> links = network.links();
        double[][] l = new double[4][links.size()];
        for (int k = 0; k < links.size(); k++) {
            l[0][k] = links.get(k).from();
            l[1][k] = links.get(k).to();
            l[2][k] = links.get(k).distance();
            l[3][k] = links.get(k).weight();
        }
        for (double[] a : l) {
            w.f64(a);
        }
        for (int z = 0; z < model.zoneCount(); z++) {
            ZoneModel zm = model.zone(z);
            w.f64(zm.profile());
            w.f64(zm.basis());
            w.f64(zm.dynamics());
            w.f64(zm.local());
            w.f64(zm.sigma());
            w.f64(zm.band());
            w.f64(zm.blend());
            w.f64(zm.trend());
            w.f64(zm.jump());
            w.f64(zm.jumpThreshold());
            w.f64(zm.nowcastSmoothing());
        }
        if (hasAlertScale(model)) {
            for (int z = 0; z < model.zoneCount(); z++) {
                w.f64(model.zone(z).alertSigma());
                w.f64(model.zone(z).alertBand());
            }
        }
        double[] freeFlow = new double[n];
        for (int i = 0; i < n; i++) {
            freeFlow[i] = model.freeFlowSpeed(i);
        }
        w.f64(freeFlow);
        for (float[] a : model.skill().arrays()) {
            w.f32(a);
        }
        KrigingModel kriging = model.kriging();
        if (kriging != null) {
            int m = kriging.size();
            double[] kLat = new double[m];
            double[] kLon = new double[m];
            double[] zone = new double[m];
            for (int e = 0; e < m; e++) {
                kLat[e] = kriging.segments().get(e).latitude();
                kLon[e] = kriging.segments().get(e).longitude();
                zone[e] = kriging.zone()[e];
            }
            double[] neighbours = new double[kriging.neighbours().length];
            for (int j = 0; j < neighbours.length; j++) {
                neighbours[j] = kriging.neighbours()[j];
            }
            w.f64(kriging.beta());
            w.f64(kriging.lower());
            w.f64(kriging.upper());
            w.f64(kriging.maskedMae());
            w.f64(kLat);
            w.f64(kLon);
            w.f64(zone);
            w.f64(neighbours);
            w.f64(kriging.weight());
            w.f64(kriging.upstream());
            w.f64(kriging.distance());
            w.f64(kriging.level());
        }
        w.flush();
    }

    /** Whether the detector's scale is written: when any zone has one of its own (the others' is their band's). */
    private static boolean hasAlertScale(ManifoldModel model) {
        for (int z = 0; z < model.zoneCount(); z++) {
            if (model.zone(z).hasAlertScale()) {
                return true;
            }
        }
        return false;
    }

    private static boolean lists(JsonNode arrays, String name) {
        for (JsonNode a : arrays) {
            if (name.equals(a.path("name").asText())) {
                return true;
            }
        }
        return false;
    }

    private static ManifoldModel fromHeader(JsonNode h, Payload payload, String payloadSha, String name, int version)
            throws IOException {
        ModelCard card = JSON.treeToValue(required(h, "card", name), ModelCard.class);
        if (card.payloadSha256() != null && !card.payloadSha256().equals(payloadSha)) {
            throw new ModelFormatException(name + ": payload sha256 " + payloadSha + " differs from the card's "
                    + card.payloadSha256());
        }
        SpeedUnit unit = SpeedUnit.valueOf(required(h, "unit", name).asText());
        long stepMillis = required(h, "stepMillis", name).asLong();
        ZoneId timeZone = ZoneId.of(required(h, "timeZone", name).asText());
        JsonNode hz = required(h, "horizonsMin", name);
        int[] horizonsMin = new int[hz.size()];
        for (int k = 0; k < horizonsMin.length; k++) {
            horizonsMin[k] = hz.get(k).asInt();
        }
        JsonNode c = h.get("credibility");
        CredibilityRules rules = c == null || c.isNull() ? null : new CredibilityRules(c.get("minSpeed").asDouble(),
                c.get("maxSpeed").asDouble(), c.get("maxJump").asDouble(), c.get("stuckSteps").asInt(),
                c.get("maxFutureMillis").asLong(), c.get("allowedLatenessMillis").asLong(),
                c.get("zeroIsMissing").asBoolean());
        JsonNode segs = required(h, "segments", name);
        int n = segs.size();
        int links = required(h, "links", name).asInt();
        JsonNode zonesNode = required(h, "zones", name);
        JsonNode arrays = required(h, "arrays", name);
        int zoneCount = zonesNode.size();
        JsonNode kn = h.get("kriging");
        boolean hasKriging = kn != null && !kn.isNull();
        // format 3 lists each zone's band and blend; an older file that lists them (rewritten by hand or a tool that
        // only relabelled the version) reads them too
        boolean hasBands = version >= 3 || lists(arrays, "zone0.band");
        // format 4 adds the kriging layer's level features
        boolean hasLevels = hasKriging && (version >= 4 || lists(arrays, "kriging.level"));
        // format 10 adds the kriging kernel's lagged feature (one more coefficient per row, no new array, so only the
        // version tells: beta's length alone would not, a row of K and levels could be read either way)
        boolean hasLag = version >= 10;
        // format 5 adds each zone's profile trend
        boolean hasTrend = hasBands && (version >= 5 || lists(arrays, "zone0.trend"));
        // format 6 adds the local correction's jump term
        boolean hasJump = hasTrend && (version >= 6 || lists(arrays, "zone0.jump"));
        // format 7 adds the nowcast smoothing
        boolean hasSmoothing = hasJump && (version >= 7 || lists(arrays, "zone0.nowcastSmoothing"));
        // the detector's scale, optional since format 5: without it the detector reads the forecast band
        boolean hasAlertScale = hasTrend && lists(arrays, "zone0.alertSigma");
        int expectedArrays = 6 + (hasBands ? 7 : 5) * zoneCount + (hasTrend ? zoneCount : 0)
                + (hasJump ? 2 * zoneCount : 0) + (hasSmoothing ? zoneCount : 0)
                + (hasAlertScale ? 2 * zoneCount : 0) + 1 + 4
                + (hasKriging ? 11 : 0) + (hasLevels ? 1 : 0);
        if (arrays.size() != expectedArrays) {
            throw new ModelFormatException(name + ": " + arrays.size() + " arrays listed, " + expectedArrays
                    + " expected for " + zoneCount + " zones");
        }
        PayloadReader r = new PayloadReader(payload, arrays, name);
        double[] lat = r.f64("segment.latitude", n);
        double[] lon = r.f64("segment.longitude", n);
        double[] from = r.f64("link.from", links);
        double[] to = r.f64("link.to", links);
        double[] distance = r.f64("link.distance", links);
        double[] weight = r.f64("link.weight", links);
        List<Segment> segments = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            JsonNode row = segs.get(i);
            segments.add(new Segment(row.get(0).asText(), lat[i], lon[i], RoadClass.valueOf(row.get(1).asText())));
        }
        List<Link> linkList = new ArrayList<>(links);
        for (int k = 0; k < links; k++) {
            linkList.add(new Link((int) from[k], (int) to[k], distance[k], weight[k]));
        }
        RoadNetwork network = new RoadNetwork(segments, linkList);
        HorizonLeads leads = HorizonLeads.of(horizonsMin, stepMillis);
        if (version < 9 && !leads.isConsecutive()) {
            // no writer of format 8 or older spaced its horizons: a relabelled file, whose lead times are unknown
            throw new ModelFormatException(name + ": horizons " + java.util.Arrays.toString(horizonsMin)
                    + " min are spaced, which format " + version + " cannot hold (format 9 and later)");
        }
        int horizons = leads.count();
        ZoneModel[] zones = new ZoneModel[zoneCount];
        int[] zoneIds = new int[zoneCount];
        for (int z = 0; z < zoneCount; z++) {
            JsonNode zn = zonesNode.get(z);
            JsonNode id = zn.get("id");
            zoneIds[z] = id == null || id.isNull() ? z : id.asInt();
            JsonNode members = required(zn, "segments", name);
            int[] zoneSegments = new int[members.size()];
            for (int k = 0; k < zoneSegments.length; k++) {
                zoneSegments[k] = members.get(k).asInt();
            }
            int zs = zoneSegments.length;
            int rank = zn.get("rank").asInt();
            int order = zn.get("order").asInt();
            String prefix = "zone" + z + ".";
            // format 6 records the profile's slot width; an older zone's profile is at the step
            JsonNode slot = zn.get("profileSlotMillis");
            long slotMillis = slot == null || slot.isNull() ? stepMillis : slot.asLong();
            ProfileGrid.check(stepMillis, slotMillis);
            double[] profile = r.f64(prefix + "profile", ZoneModel.expectedProfileLength(zs, slotMillis));
            double[] basis = r.f64(prefix + "basis", (long) zs * rank);
            double[] dynamics = r.f64(prefix + "dynamics", (long) horizons * rank * (rank * order + 1));
            double[] local = r.f64(prefix + "local", (long) horizons * zs * 3);
            double[] sigma = r.f64(prefix + "sigma", (long) horizons * zs);
            double bandZ = zn.get("bandZ").asDouble();
            double[] band = hasBands ? r.f64(prefix + "band", ZoneModel.bandLength(horizons))
                    : ZoneModel.symmetricBand(horizons, bandZ);
            // format 5 has a blend weight per regime; an older one, one weight for both
            double[] blend = !hasBands ? new double[horizons * ZoneModel.REGIMES * zs]
                    : hasTrend ? r.f64(prefix + "blend", (long) horizons * ZoneModel.REGIMES * zs)
                    : ZoneModel.regimeBlend(r.f64(prefix + "blend", (long) horizons * zs), horizons, zs);
            double[] trend = hasTrend ? r.f64(prefix + "trend", (long) horizons * zs) : new double[horizons * zs];
            double[] jump = hasJump ? r.f64(prefix + "jump", (long) horizons * zs) : new double[horizons * zs];
            double[] jumpThreshold = hasJump ? r.f64(prefix + "jumpThreshold", zs) : ZoneModel.noJumpThresholds(zs);
            JsonNode trendWindow = zn.get("trendHalfWindow");
            zones[z] = new ZoneModel(zoneSegments, stepMillis, timeZone, leads, rank, order,
                    zn.get("lambda").asDouble(), zn.get("eps").asDouble(), bandZ, profile, basis, dynamics, local,
                    sigma, band, blend, hasTrend && trendWindow != null ? trendWindow.asInt() : 0, trend, jump,
                    jumpThreshold, slotMillis);
            if (hasSmoothing) {
                zones[z] = zones[z].withNowcastSmoothing(
                        r.f64(prefix + "nowcastSmoothing", (long) horizons * ZoneModel.SMOOTHING_CELLS));
            }
        }
        // without them (an older model) the zones keep the forecast band's sigma and band for the detector: the
        // band the detector read before the model kept a scale of its own
        if (hasAlertScale) {
            for (int z = 0; z < zoneCount; z++) {
                zones[z] = zones[z].withAlertScale(r.f64("zone" + z + ".alertSigma", (long) horizons * zones[z].size()),
                        r.f64("zone" + z + ".alertBand", ZoneModel.bandLength(horizons)));
            }
        }
        double[] freeFlow = r.f64("freeFlow", n);
        long cells = (long) n * horizons * SkillTable.PERIODS;
        SkillTable skill = new SkillTable(n, horizons, r.f32("skill.rmseModel", cells),
                r.f32("skill.rmsePersistence", cells), r.f32("skill.rmseHistoricalAverage", cells),
                r.f32("skill.pairs", cells));
        KrigingModel kriging = hasKriging ? readKriging(kn, r, name, hasLevels, hasLag) : null;
        if (payload.remaining() != 0) {
            throw new ModelFormatException(name + ": " + (payload.remaining())
                    + " payload bytes beyond the listed arrays");
        }
        // format 8 adds the level hold of each horizon; an older file reads with 0 (the grade of the point forecast)
        JsonNode lh = h.get("levelHold");
        double[] levelHold = null;
        if (lh != null && !lh.isNull()) {
            if (lh.size() != horizons) {
                throw new ModelFormatException(name + ": " + lh.size() + " level holds for " + horizons + " horizons");
            }
            levelHold = new double[horizons];
            for (int k = 0; k < horizons; k++) {
                levelHold[k] = lh.get(k).asDouble();
            }
        }
        return new ManifoldModel(card, network, unit, Duration.ofMillis(stepMillis), timeZone, horizonsMin, zones,
                zoneIds, freeFlow, rules, skill, kriging, levelHold);
    }

    private static KrigingModel readKriging(JsonNode kn, PayloadReader r, String name, boolean hasLevels,
                                            boolean hasLag) throws IOException {
        int k = required(kn, "k", name).asInt();
        int rows = required(kn, "rows", name).asInt();
        int levels = hasLevels ? required(kn, "levels", name).asInt() : 0;
        JsonNode segs = required(kn, "segments", name);
        int m = segs.size();
        long mk = (long) m * k;
        int f = KrigingKernel.featureCount(k, levels);
        int written = hasLag ? f : f - KrigingKernel.LAG;
        double[] beta = widenRows(r.f64("kriging.beta", (long) rows * written), rows, written, f);
        double[] lower = r.f64("kriging.lower", rows);
        double[] upper = r.f64("kriging.upper", rows);
        double[] mae = r.f64("kriging.maskedMae", rows);
        double[] lat = r.f64("kriging.latitude", m);
        double[] lon = r.f64("kriging.longitude", m);
        double[] zone = r.f64("kriging.zone", m);
        double[] neighbours = r.f64("kriging.neighbours", mk);
        double[] weight = r.f64("kriging.weight", mk);
        double[] upstream = r.f64("kriging.upstream", mk);
        double[] distance = r.f64("kriging.distance", mk);
        double[] level = hasLevels ? r.f64("kriging.level", (long) m * levels) : new double[0];
        List<Segment> segments = new ArrayList<>(m);
        int[] zones = new int[m];
        for (int e = 0; e < m; e++) {
            JsonNode row = segs.get(e);
            segments.add(new Segment(row.get(0).asText(), lat[e], lon[e], RoadClass.valueOf(row.get(1).asText())));
            zones[e] = (int) zone[e];
        }
        int[] nb = new int[neighbours.length];
        for (int j = 0; j < nb.length; j++) {
            nb[j] = (int) neighbours[j];
        }
        List<String> excluded = new ArrayList<>();
        JsonNode ex = kn.get("excluded");
        if (ex != null) {
            ex.forEach(id -> excluded.add(id.asText()));
        }
        return new KrigingModel(k, required(kn, "width", name).asDouble(), required(kn, "lambda", name).asDouble(),
                rows, beta, lower, upper, mae, segments, zones, nb, weight, upstream, distance, levels, level, excluded);
    }

    /**
     * Rows of {@code from} coefficients laid out as rows of {@code to}, the added ones (the kernel's features added
     * after the file was written, always last) 0: the estimate the file always gave.
     */
    private static double[] widenRows(double[] beta, int rows, int from, int to) {
        if (from == to) {
            return beta;
        }
        double[] wide = new double[rows * to];
        for (int h = 0; h < rows; h++) {
            System.arraycopy(beta, h * from, wide, h * to, from);
        }
        return wide;
    }

    private static JsonNode required(JsonNode node, String field, String name) throws ModelFormatException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new ModelFormatException(name + ": header has no '" + field + "'");
        }
        return v;
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Little-endian array writer through a 64 KiB buffer. */
    private static final class PayloadWriter {
        private final OutputStream out;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        PayloadWriter(OutputStream out) {
            this.out = out;
        }

        void f64(double[] a) throws IOException {
            for (double v : a) {
                if (buf.remaining() < 8) {
                    flush();
                }
                buf.putDouble(v);
            }
        }

        void f32(float[] a) throws IOException {
            for (float v : a) {
                if (buf.remaining() < 4) {
                    flush();
                }
                buf.putFloat(v);
            }
        }

        void flush() throws IOException {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
        }
    }

    /**
     * The payload streamed from the file through one buffer of a few chunks' worth: arrays are copied from the buffer
     * into their own arrays as it fills, so no array of the whole payload (or file) exists.
     */
    private static final class Payload {
        private final FileChannel channel;
        private final long end;
        private final String name;
        /** Bytes read from the file and not yet taken, between position and limit. */
        private final ByteBuffer buf;
        /** File position of the next byte to read into {@link #buf}. */
        private long next;

        Payload(FileChannel channel, long start, long length, int chunkBytes, String name) {
            this.channel = channel;
            this.end = start + length;
            this.name = name;
            this.next = start;
            this.buf = ByteBuffer.allocateDirect(chunkBytes).order(ByteOrder.LITTLE_ENDIAN);
            buf.limit(0);
        }

        /** Payload bytes not yet taken. */
        long remaining() {
            return end - next + buf.remaining();
        }

        /** Makes at least {@code bytes} (at most the buffer's capacity) readable in {@link #buf}. */
        private void need(int bytes) throws IOException {
            if (buf.remaining() >= bytes) {
                return;
            }
            buf.compact();
            long left = end - next;
            if (buf.remaining() > left) {
                buf.limit(buf.position() + (int) left);
            }
            while (buf.hasRemaining()) {
                int read = channel.read(buf, next);
                if (read < 0) {
                    throw new ModelFormatException(name + ": truncated (the file ended at byte " + next
                            + " inside the payload)");
                }
                next += read;
            }
            buf.flip();
            if (buf.remaining() < bytes) {
                throw new ModelFormatException(name + ": the payload ends inside an array");
            }
        }

        void f64(double[] a) throws IOException {
            for (int off = 0; off < a.length; ) {
                need(8);
                int k = Math.min(buf.remaining() / 8, a.length - off);
                buf.asDoubleBuffer().get(a, off, k);
                buf.position(buf.position() + 8 * k);
                off += k;
            }
        }

        void f32(float[] a) throws IOException {
            for (int off = 0; off < a.length; ) {
                need(4);
                int k = Math.min(buf.remaining() / 4, a.length - off);
                buf.asFloatBuffer().get(a, off, k);
                buf.position(buf.position() + 4 * k);
                off += k;
            }
        }
    }

    /** Reads the payload's arrays in the header's order, checking each name, type and length against the shape. */
    private static final class PayloadReader {
        private final Payload payload;
        private final JsonNode specs;
        private final String name;
        private int next;

        PayloadReader(Payload payload, JsonNode specs, String name) {
            this.payload = payload;
            this.specs = specs;
            this.name = name;
        }

        private void expect(String array, String type, long length, int width) throws ModelFormatException {
            JsonNode spec = specs.get(next++);
            String declared = spec.path("name").asText();
            if (!declared.equals(array) || !spec.path("type").asText().equals(type)) {
                throw new ModelFormatException(name + ": array " + (next - 1) + " is '" + declared + "' ("
                        + spec.path("type").asText() + "), expected '" + array + "' (" + type + ")");
            }
            long declaredLength = spec.path("length").asLong(-1);
            if (declaredLength != length) {
                throw new ModelFormatException(name + ": array '" + array + "' has " + declaredLength
                        + " values, its shape needs " + length);
            }
            if (length * width > payload.remaining()) {
                throw new ModelFormatException(name + ": payload ends inside array '" + array + "'");
            }
            if (length > Integer.MAX_VALUE - 8) {
                throw new ModelFormatException(name + ": array '" + array + "' of " + length
                        + " values is longer than a Java array");
            }
        }

        double[] f64(String array, long length) throws IOException {
            expect(array, "f64", length, 8);
            double[] a = new double[(int) length];
            payload.f64(a);
            return a;
        }

        float[] f32(String array, long length) throws IOException {
            expect(array, "f32", length, 4);
            float[] a = new float[(int) length];
            payload.f32(a);
            return a;
        }
    }
}
