package roadcast.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roadcast.forecast.Forecast;
import roadcast.route.Route;
import roadcast.route.RouteException;
import roadcast.route.RouteLeg;
import roadcast.route.RouteTravelTime;
import roadcast.topics.ForecastWire;
import roadcast.topics.WireTime;
import roadcast.store.DeadLetter;
import roadcast.store.Observation;
import roadcast.store.OnlineStore;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The HTTP side of serving: the JSON API under {@code /api} (Bearer key required), {@code /health},
 * {@code /metrics} and the dashboard at {@code /}. Every error leaves as a short JSON message; stack traces stay in
 * the log.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HISTORY_SPAN_MILLIS = Duration.ofDays(31).toMillis();
    private static final long DEFAULT_HISTORY_SPAN_MILLIS = Duration.ofHours(3).toMillis();
    private static final int MAX_HORIZON_MIN = 24 * 60;
    /** Most dead letters one request returns: their payloads can be large. */
    static final int MAX_DEAD_LETTERS = 1000;
    /** Most segments one page of {@code /api/network} holds; {@code offset} pages on (the answer names the next). */
    static final int MAX_NETWORK_PAGE = 20_000;
    /** Times accepted in queries: 1970 to the end of year 9999, so no window arithmetic can overflow. */
    private static final long MAX_QUERY_TIME = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
    /** Raw dead-letter payloads and deletion: admin keys only. */
    private static final java.util.regex.Pattern ADMIN_ONLY = java.util.regex.Pattern.compile("/api/(dead-letters|admin)(/|$)");
    private static final java.util.regex.Pattern MALFORMED_ESCAPE = java.util.regex.Pattern.compile("%(?![0-9A-Fa-f]{2})");
    /** Served with every answer: the dashboard loads only its own files, is never framed and never leaks its URL. */
    static final Map<String, String> SECURITY_HEADERS = Map.of(
        "Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        "X-Content-Type-Options", "nosniff",
        "X-Frame-Options", "DENY",
        "Referrer-Policy", "no-referrer",
        "Cache-Control", "no-store");

    private final OnlineStore store;
    private final SegmentCatalog catalog;
    private final ApiKeys keys;
    private final ServeMetrics metrics;
    private final ForecastStream stream;
    private final Supplier<Health> health;
    private final AlertBoard alerts;
    private final Javalin app;

    /**
     * What {@code /health} reports: {@code UP}; {@code DEGRADED} (serving, but the data may be stale: the follower is
     * retrying); {@code DOWN} (503). The follower's detail is shown only to key holders ({@code /api/health}).
     */
    public record Health(Status status, String follower) {
        public enum Status { UP, DEGRADED, DOWN }
    }

    public ApiServer(OnlineStore store, SegmentCatalog catalog, ApiKeys keys, ServeMetrics metrics,
                     ForecastStream stream, Supplier<Health> health) {
        this(store, catalog, keys, metrics, stream, health, null);
    }

    /** @param alerts the incident alerts computed as the service runs; null = none ({@code /api/alerts} lists none) */
    public ApiServer(OnlineStore store, SegmentCatalog catalog, ApiKeys keys, ServeMetrics metrics,
                     ForecastStream stream, Supplier<Health> health, AlertBoard alerts) {
        this.alerts = alerts;
        this.store = store;
        this.catalog = catalog;
        this.keys = keys;
        this.metrics = metrics;
        this.stream = stream;
        this.health = health;
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/dashboard";
                files.location = Location.CLASSPATH;
            });
        });
        routes();
    }

    public ApiServer start(int port) {
        app.start(port);
        return this;
    }

    public int port() {
        return app.port();
    }

    private void routes() {
        app.before(ctx -> SECURITY_HEADERS.forEach(ctx::header));
        app.before("/api/*", ctx -> {
            ApiKeys.Role role = keys.roleOf(ctx.header("Authorization")).orElseThrow(UnauthorizedException::new);
            if (role != ApiKeys.Role.ADMIN && ADMIN_ONLY.matcher(ctx.path()).lookingAt()) {
                throw new HttpResponseException(403, "this needs an admin key (the key file's role column: admin)");
            }
            // Jetty decodes a broken escape leniently into something else: refuse rather than answer another question
            String query = ctx.queryString();
            if (query != null && MALFORMED_ESCAPE.matcher(query).find()) {
                throw new BadRequestException("malformed percent-escape in the query string");
            }
        });
        app.after(ctx -> metrics.httpResponse(ctx.statusCode()));
        app.exception(UnauthorizedException.class, (e, ctx) -> {
            ctx.header("WWW-Authenticate", "Bearer realm=\"roadcast\"");
            error(ctx, 401, "missing or invalid API key: send Authorization: Bearer KEY");
        });
        app.exception(BadRequestException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("request {} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, 500, "internal error");
        });

        app.get("/health", this::health);
        app.get("/api/health", this::healthDetails);
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.render()));
        app.get("/api/segments", this::segments);
        app.get("/api/network", this::network);
        app.get("/api/segments/{id}/forecast", this::forecast);
        app.get("/api/segments/{id}/history", this::history);
        app.get("/api/route", this::route);
        app.get("/api/outlook", this::outlook);
        app.get("/api/bulletin", this::bulletin);
        app.get("/api/alerts", this::alerts);
        app.get("/api/dead-letters", this::deadLetters);
        app.delete("/api/admin/data", this::purge);
        app.before("/api/stream", ctx -> {
            if (!stream.hasRoom()) {
                ctx.header("Retry-After", "30");
                throw new HttpResponseException(503, "too many stream clients; retry later");
            }
        });
        app.sse("/api/stream", stream::connect);
        // a key removed from the key file closes the streams it opened
        keys.onChange(() -> {
            int closed = stream.closeWhere(auth -> !keys.accepts(auth));
            if (closed > 0) {
                LOG.info("closed {} stream(s) of revoked keys", closed);
            }
        });
    }

    private static final class UnauthorizedException extends RuntimeException {
        UnauthorizedException() {
            super("unauthorized", null, false, false);
        }
    }

    private static void error(Context ctx, int status, String message) {
        ObjectNode o = JSON.createObjectNode();
        o.put("error", message);
        ctx.status(status).contentType("application/json").result(o.toString());
    }

    private static void json(Context ctx, Object node) {
        ctx.contentType("application/json").result(node.toString());
    }

    /** Open to anyone (load balancers): the status only, nothing about paths, peers or errors. */
    private void health(Context ctx) {
        Health h = health.get();
        ObjectNode o = JSON.createObjectNode();
        o.put("status", h.status().name());
        ctx.status(h.status() == Health.Status.DOWN ? 503 : 200);
        json(ctx, o);
    }

    private void healthDetails(Context ctx) {
        Health h = health.get();
        ObjectNode o = JSON.createObjectNode();
        o.put("status", h.status().name());
        o.put("follower", h.follower());
        o.put("store", store.directory().toString());
        o.put("corruptValuesSkipped", store.corruptValuesSkipped());
        o.put("streamClients", stream.clientCount());
        o.put("segments", catalog.segments(store.segmentIds()).size());
        long high = store.highWaterMillis();
        if (high != Long.MIN_VALUE) {
            o.put("latestDataTime", Instant.ofEpochMilli(high).toString());
        }
        ArrayNode positions = o.putArray("positions");
        store.positions().forEach(p -> positions.addObject().put("topic", p.topic()).put("partition", p.partition())
            .put("nextOffset", p.nextOffset()));
        ctx.status(h.status() == Health.Status.DOWN ? 503 : 200);
        json(ctx, o);
    }

    private void segments(Context ctx) {
        List<CatalogSegment> segments = catalog.segments(store.segmentIds());
        ObjectNode o = JSON.createObjectNode();
        o.put("count", segments.size());
        o.put("extended", segments.stream().filter(CatalogSegment::extended).count());
        ArrayNode list = o.putArray("segments");
        for (CatalogSegment s : segments) {
            ObjectNode n = list.addObject();
            n.put("id", s.id());
            n.put("coverage", s.coverage());
            ForecastWire.putNumber(n, "latitude", s.latitude());
            ForecastWire.putNumber(n, "longitude", s.longitude());
            n.put("roadClass", s.roadClass());
            if (s.zone() >= 0) {
                n.put("zone", s.zone());
            } else {
                n.putNull("zone");
            }
        }
        ArrayNode links = o.putArray("links");
        for (int[] l : catalog.links()) {
            links.addArray().add(l[0]).add(l[1]);
        }
        json(ctx, o);
    }

    private void network(Context ctx) {
        int horizon = intParam(ctx, "horizon", 0, 0, MAX_HORIZON_MIN);
        int limit = intParam(ctx, "limit", MAX_NETWORK_PAGE, 1, MAX_NETWORK_PAGE);
        int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        List<Forecast> forecasts = store.latestForecasts();
        Map<String, Forecast> byId = new HashMap<>();
        TreeSet<Integer> available = new TreeSet<>();
        for (Forecast f : forecasts) {
            byId.put(f.segment(), f);
            for (int h : f.horizonsMin()) {
                available.add(h);
            }
        }
        if (horizon != 0 && !available.isEmpty() && !available.contains(horizon)) {
            throw new BadRequestException("horizon " + horizon + " is not forecast; available: 0 (now), "
                + available.toString().replaceAll("[\\[\\]]", ""));
        }
        Map<String, Observation> latestObs = new HashMap<>();
        for (Observation ob : store.latestObservations()) {
            latestObs.put(ob.segment(), ob);
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("horizonMin", horizon);
        ArrayNode horizonsList = o.putArray("horizonsMin");
        horizonsList.add(0);
        available.forEach(horizonsList::add);
        List<CatalogSegment> all = catalog.segments(store.segmentIds());
        ForecastSkill skills = catalog.model().map(ServedModel::skills).orElse(null);
        if (booleanParam(ctx, "reliableOnly")) {
            if (horizon == 0) {
                throw new BadRequestException("reliableOnly applies to forecasts: give a horizon above 0");
            }
            if (skills == null) {
                throw new BadRequestException("reliableOnly needs the models' validation skill: serve with --registry");
            }
            all = all.stream().filter(s -> {
                Forecast f = byId.get(s.id());
                int h = f == null ? -1 : HorizonColumn.of(f.horizonsMin(), horizon);
                return h >= 0 && skills.flag(f, h).reliable();
            }).toList();
            o.put("reliableOnly", true);
        }
        int end = (int) Math.min(all.size(), (long) offset + limit);
        o.put("total", all.size());
        // roads without history (kriged from their observed neighbours) count in the network too
        long extended = all.stream().filter(s -> coverageOf(s, byId.get(s.id())).equals(Forecast.EXTENDED)).count();
        o.put("observed", all.size() - extended);
        o.put("extended", extended);
        o.put("offset", offset);
        o.put("limit", limit);
        if (end < all.size()) {
            o.put("next", end);
        } else {
            o.putNull("next");
        }
        ArrayNode list = o.putArray("segments");
        for (CatalogSegment s : offset >= all.size() ? List.<CatalogSegment>of() : all.subList(offset, end)) {
            Forecast f = byId.get(s.id());
            ObjectNode n = list.addObject();
            n.put("segment", s.id());
            n.put("coverage", coverageOf(s, f));
            if (horizon == 0) {
                NowSpeed now = NowSpeed.of(catalog, s.id(), f, latestObs.get(s.id()));
                ForecastWire.putNumber(n, "speed", now.speed());
                if (now.estimated()) {
                    n.put("estimated", true);
                }
                n.put("level", now.level());
                n.put("time", now.timeMillis() == Long.MIN_VALUE ? null : Instant.ofEpochMilli(now.timeMillis()).toString());
            } else {
                int h = f == null ? -1 : HorizonColumn.of(f.horizonsMin(), horizon);
                if (h < 0) {
                    n.putNull("speed");
                    n.putNull("level");
                    n.putNull("time");
                } else {
                    ForecastWire.putNumber(n, "speed", f.speed()[h]);
                    n.put("level", f.level()[h]);
                    ForecastWire.putNumber(n, "lower", f.lower()[h]);
                    ForecastWire.putNumber(n, "upper", f.upper()[h]);
                    n.put("time", Instant.ofEpochMilli(f.issuedAt() + horizon * 60_000L).toString());
                    n.put("issuedAt", Instant.ofEpochMilli(f.issuedAt()).toString());
                    putReliability(n, skills, f, h);
                }
            }
        }
        json(ctx, o);
    }

    /** The segment's coverage: its latest forecast says; else the catalog (a model's extended roads); else observed. */
    private static String coverageOf(CatalogSegment s, Forecast f) {
        return f != null ? f.coverage() : s.coverage();
    }

    /** {@code /api/route?segments=a,b,c[&depart=T]}: travel time on the forecasts ({@link RouteTravelTime}). */
    private void route(Context ctx) {
        String list = ctx.queryParam("segments");
        if (list == null || list.isBlank()) {
            throw new BadRequestException("give the route as segments=a,b,c (segment ids in driving order)");
        }
        String[] parts = list.split(",", RouteTravelTime.MAX_SEGMENTS + 2);
        if (parts.length > RouteTravelTime.MAX_SEGMENTS) {
            throw new BadRequestException("route too long: more than " + RouteTravelTime.MAX_SEGMENTS + " segments");
        }
        List<String> ids = new java.util.ArrayList<>(parts.length);
        for (String p : parts) {
            if (p.isBlank()) {
                throw new BadRequestException("empty segment id in segments='" + shorten(list) + "'");
            }
            ids.add(p.trim());
        }
        Long depart = timeParam(ctx, "depart");
        ServedModel model = catalog.model().orElseThrow(() -> new BadRequestException(
            "route travel times need the road network and its distances: serve with --registry"));
        Route r;
        try {
            r = RouteTravelTime.estimate(model.network(), ids, id -> store.latestForecast(id).orElse(null), depart,
                model.unit());
        } catch (RouteException e) {
            throw new BadRequestException(e.getMessage());
        }
        ObjectNode o = JSON.createObjectNode();
        ArrayNode segs = o.putArray("segments");
        ids.forEach(segs::add);
        o.put("unit", unitName(model.unit()));
        o.put("depart", Instant.ofEpochMilli(r.departMillis()).toString());
        o.put("arrive", Instant.ofEpochMilli(r.arriveMillis()).toString());
        o.put("travelTimeMin", round3(r.travelTimeMin()));
        o.put("travelTimeMinLower", round3(r.travelTimeMinLower()));
        o.put("travelTimeMinUpper", round3(r.travelTimeMinUpper()));
        o.put("lengthM", round3(r.lengthMetres()));
        ArrayNode legs = o.putArray("legs");
        for (RouteLeg leg : r.legs()) {
            ObjectNode n = legs.addObject();
            n.put("segment", leg.segment());
            n.put("arrival", Instant.ofEpochMilli(leg.arrivalMillis()).toString());
            n.put("lengthM", round3(leg.lengthMetres()));
            ForecastWire.putNumber(n, "speed", round3(leg.speed()));
            ForecastWire.putNumber(n, "lower", round3(leg.lower()));
            ForecastWire.putNumber(n, "upper", round3(leg.upper()));
            n.put("travelTimeMin", round3(leg.minutes()));
            n.put("issuedAt", Instant.ofEpochMilli(leg.issuedAt()).toString());
        }
        json(ctx, o);
    }

    /** Clusters one {@code /api/outlook} answer lists at most (largest impact first; {@code clusterCount} has all). */
    static final int MAX_OUTLOOK_CLUSTERS = 10_000;

    /** {@code /api/outlook}: congestion clusters, clearing, spread, impact ({@link roadcast.outlook.CongestionOutlook}). */
    private void outlook(Context ctx) {
        int limit = intParam(ctx, "limit", 100, 1, MAX_OUTLOOK_CLUSTERS);
        json(ctx, outlookJson(CurrentOutlook.of(store, catalog), catalog, limit));
    }

    /**
     * The JSON of an outlook: {@code /api/outlook}'s answer and the value of a {@code roadcast.outlook} record.
     *
     * @param limit clusters listed at most (largest impact first; {@code clusterCount} counts them all)
     */
    public static ObjectNode outlookJson(roadcast.outlook.Outlook out, SegmentCatalog catalog, int limit) {
        ObjectNode o = JSON.createObjectNode();
        o.put("issuedAt", Instant.ofEpochMilli(out.issuedAt()).toString());
        o.put("unit", catalog.model().map(m -> unitName(m.unit())).orElse(null));
        o.put("congested", "moderate or severe");
        ArrayNode hs = o.putArray("horizonsMin");
        for (int h : out.horizonsMin()) {
            hs.add(h);
        }
        o.put("spreadWithinMin", roadcast.outlook.CongestionOutlook.SPREAD_WITHIN_MIN);
        o.put("congestedNow", out.congestedNow());
        o.put("clusterCount", out.clusters().size());
        ArrayNode list = o.putArray("clusters");
        for (roadcast.outlook.CongestionCluster c : out.clusters().subList(0, Math.min(limit, out.clusters().size()))) {
            ObjectNode n = list.addObject();
            n.put("id", c.id());
            n.put("size", c.segments().size());
            ArrayNode segs = n.putArray("segments");
            c.segments().forEach(segs::add);
            n.put("slowestSegment", c.slowestSegment());
            ForecastWire.putNumber(n, "slowestSpeed", c.slowestSpeed());
            n.put("severe", c.severe());
            n.put("beyondHorizon", c.clearsInMin() == null);
            if (c.clearsInMin() == null) {
                n.putNull("clearsInMin");
                n.putNull("clearsAt");
            } else {
                n.put("clearsInMin", c.clearsInMin());
                n.put("clearsAt", Instant.ofEpochMilli(out.issuedAt() + c.clearsInMin() * 60_000L).toString());
            }
            ArrayNode spread = n.putArray("spread");
            c.spread().forEach(sp -> spread.addObject().put("segment", sp.segment()).put("inMin", sp.inMin()));
            n.put("congestedSegmentMinutes", c.congestedSegmentMinutes());
            ForecastWire.putNumber(n, "vehicleHoursOfDelay", c.vehicleHoursOfDelay());
        }
        return o;
    }

    /** Alerts one {@code /api/alerts} answer lists at most. */
    static final int MAX_ALERTS = 10_000;

    /** {@code /api/alerts?status=open|all&limit=N}: incident alerts, open ones first, then the recently cleared. */
    private void alerts(Context ctx) {
        int limit = intParam(ctx, "limit", 100, 1, MAX_ALERTS);
        String status = ctx.queryParam("status");
        if (status != null && !status.equals("open") && !status.equals("all")) {
            throw new BadRequestException("status must be open or all, got '" + status + "'");
        }
        boolean openOnly = "open".equals(status);
        if (alerts == null) {
            ObjectNode o = JSON.createObjectNode();
            o.putNull("issuedAt");
            o.put("open", 0);
            o.put("recentlyCleared", 0);
            o.putArray("alerts");
            json(ctx, o);
            return;
        }
        json(ctx, alerts.toJson(openOnly, limit));
    }

    /** {@code /api/bulletin}: the outlook in a few plain sentences ({@link roadcast.outlook.Bulletin}). */
    private void bulletin(Context ctx) {
        int max = intParam(ctx, "clusters", 3, 1, 50);
        roadcast.outlook.Outlook out = CurrentOutlook.of(store, catalog);
        String unit = catalog.model().map(m -> unitName(m.unit())).orElse("");
        java.time.ZoneId zone = catalog.model().map(ServedModel::timeZone).orElse(java.time.ZoneOffset.UTC);
        List<String> sentences = store.latestForecasts().isEmpty() && store.latestObservations().isEmpty()
            ? List.of("No traffic data yet.") : roadcast.outlook.Bulletin.sentences(out, unit, zone, max);
        ObjectNode o = JSON.createObjectNode();
        o.put("issuedAt", Instant.ofEpochMilli(out.issuedAt()).toString());
        o.put("timeZone", zone.getId());
        o.put("unit", unit.isEmpty() ? null : unit);
        o.put("text", String.join(" ", sentences));
        ArrayNode items = o.putArray("sentences");
        sentences.forEach(items::add);
        json(ctx, o);
    }

    static String unitName(roadcast.history.SpeedUnit unit) {
        return unit == roadcast.history.SpeedUnit.MPH ? "mph" : "km/h";
    }

    private static double round3(double v) {
        return Double.isFinite(v) ? Math.round(v * 1000) / 1000.0 : v;
    }

    private void forecast(Context ctx) {
        String id = ctx.pathParam("id");
        Optional<Forecast> f = store.latestForecast(id);
        if (f.isEmpty()) {
            throw new HttpResponseException(404, catalog.contains(id)
                ? "no forecast for segment " + id + " yet" : "unknown segment " + id);
        }
        Forecast fc = f.get();
        ForecastSkill skills = catalog.model().map(ServedModel::skills).orElse(null);
        ObjectNode o = ForecastWire.toNode(fc);
        ArrayNode horizons = o.putArray("horizons");
        for (int h = 0; h < fc.horizonsMin().length; h++) {
            ObjectNode n = horizons.addObject();
            n.put("horizonMin", fc.horizonsMin()[h]);
            n.put("time", Instant.ofEpochMilli(fc.issuedAt() + fc.horizonsMin()[h] * 60_000L).toString());
            ForecastWire.putNumber(n, "speed", fc.speed()[h]);
            n.put("level", fc.level()[h]);
            ForecastWire.putNumber(n, "lower", fc.lower()[h]);
            ForecastWire.putNumber(n, "upper", fc.upper()[h]);
            putReliability(n, skills, fc, h);
        }
        json(ctx, o);
    }

    private void history(Context ctx) {
        String id = ctx.pathParam("id");
        Optional<Forecast> latest = store.latestForecast(id);
        Optional<Observation> latestObs = store.latestObservation(id);
        if (latest.isEmpty() && latestObs.isEmpty() && !catalog.contains(id)) {
            throw new HttpResponseException(404, "unknown segment " + id);
        }
        long newest = Math.max(latest.map(Forecast::issuedAt).orElse(Long.MIN_VALUE),
            latestObs.map(Observation::timeMillis).orElse(Long.MIN_VALUE));
        if (newest == Long.MIN_VALUE) {
            newest = System.currentTimeMillis();
        }
        Long toParam = timeParam(ctx, "to");
        Long fromParam = timeParam(ctx, "from");
        long to = toParam != null ? toParam : newest;
        // stored times may be anything a record carried: saturate instead of wrapping around
        long from = fromParam != null ? fromParam : minus(to, DEFAULT_HISTORY_SPAN_MILLIS);
        if (from > to) {
            throw new BadRequestException("from (" + Instant.ofEpochMilli(from) + ") is after to (" + Instant.ofEpochMilli(to) + ")");
        }
        if (minus(to, from) > MAX_HISTORY_SPAN_MILLIS) {
            throw new BadRequestException("from..to spans more than 31 days");
        }
        int maxHorizon = latest.map(f -> f.horizonsMin()[f.horizonsMin().length - 1]).orElse(60);
        ObjectNode o = JSON.createObjectNode();
        o.put("segment", id);
        o.put("from", Instant.ofEpochMilli(from).toString());
        o.put("to", Instant.ofEpochMilli(to).toString());
        ArrayNode observed = o.putArray("observed");
        for (Observation ob : store.observations(id, from, to)) {
            ObjectNode n = observed.addObject();
            n.put("time", Instant.ofEpochMilli(ob.timeMillis()).toString());
            ForecastWire.putNumber(n, "speed", ob.speed());
            n.put("source", ob.source().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        // every forecast whose target time (issuedAt + horizon) falls inside from..to
        ArrayNode forecasts = o.putArray("forecasts");
        for (Forecast f : store.forecastsIssued(id, minus(from, maxHorizon * 60_000L), to)) {
            for (int h = 0; h < f.horizonsMin().length; h++) {
                long target = f.issuedAt() + f.horizonsMin()[h] * 60_000L;
                if (target < from || target > to) {
                    continue;
                }
                ObjectNode n = forecasts.addObject();
                n.put("time", Instant.ofEpochMilli(target).toString());
                n.put("issuedAt", Instant.ofEpochMilli(f.issuedAt()).toString());
                n.put("horizonMin", f.horizonsMin()[h]);
                ForecastWire.putNumber(n, "speed", f.speed()[h]);
                n.put("level", f.level()[h]);
                ForecastWire.putNumber(n, "lower", f.lower()[h]);
                ForecastWire.putNumber(n, "upper", f.upper()[h]);
            }
        }
        json(ctx, o);
    }

    /** Data deletion on request (admin keys only): one of segment, source, before; answers the counts deleted. */
    private void purge(Context ctx) {
        String segment = ctx.queryParam("segment");
        String source = ctx.queryParam("source");
        String before = ctx.queryParam("before");
        roadcast.store.PurgeResult r;
        try {
            r = roadcast.purge.DataPurge.purge(store, segment, source, before);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage().length() <= 300 ? e.getMessage() : shorten(e.getMessage()));
        }
        LOG.info("purged {}: {} observations, {} forecasts, {} latest values, {} dead letters", r.selector(),
            r.observations(), r.forecasts(), r.latest(), r.deadLetters());
        ObjectNode o = JSON.createObjectNode();
        o.put("purged", r.selector());
        o.put("observations", r.observations());
        o.put("forecasts", r.forecasts());
        o.put("latest", r.latest());
        o.put("deadLetters", r.deadLetters());
        json(ctx, o);
    }

    private void deadLetters(Context ctx) {
        int limit = intParam(ctx, "limit", 100, 1, MAX_DEAD_LETTERS);
        ArrayNode list = JSON.createArrayNode();
        for (DeadLetter d : store.deadLetters(limit)) {
            list.add(OnlineStore.toJson(d));
        }
        json(ctx, list);
    }

    private static int intParam(Context ctx, String name, int fallback, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw new BadRequestException(name + " must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new BadRequestException(name + " must be an integer, got '" + shorten(v) + "'");
        }
    }

    /**
     * {@code reliable} (the rule of {@link roadcast.skill.Reliability}) and {@code skill} of one forecast horizon; both
     * null when serving has no model to judge by (a {@code --segments} CSV instead of a registry).
     */
    private static void putReliability(ObjectNode n, ForecastSkill skills, Forecast f, int h) {
        if (skills == null) {
            n.putNull("reliable");
            n.putNull("skill");
            return;
        }
        roadcast.skill.Reliability.Flag flag = skills.flag(f, h);
        n.put("reliable", flag.reliable());
        ForecastWire.putNumber(n, "skill", Double.isNaN(flag.skill()) ? Double.NaN
            : Math.round(flag.skill() * 1000) / 1000.0);
    }

    private static boolean booleanParam(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return false;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new BadRequestException(name + " must be true or false, got '" + shorten(v) + "'");
        };
    }

    private static Long timeParam(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        long t;
        try {
            t = WireTime.parseText(v);
        } catch (RuntimeException e) {
            throw new BadRequestException(name + " must be ISO-8601 (2012-03-01T08:00:00Z) or epoch milliseconds, got '"
                + shorten(v) + "'");
        }
        if (t < 0 || t > MAX_QUERY_TIME) {
            throw new BadRequestException(name + " must lie between 1970-01-01 and 9999-12-31, got '" + shorten(v) + "'");
        }
        return t;
    }

    /** {@code a - b}, saturated at the ends of long (no wrap-around that would bypass a limit). */
    static long minus(long a, long b) {
        long d = a - b;
        return ((a ^ b) & (a ^ d)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : d;
    }

    /** Echoes of user input in error messages stay short. */
    private static String shorten(String v) {
        return v.length() <= 64 ? v : v.substring(0, 64) + "...";
    }


    @Override
    public void close() {
        app.stop();
    }
}
