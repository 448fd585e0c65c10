package roadcast.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CatalogAndKeysTest {

    @TempDir
    Path dir;

    @Test
    void keyFileHoldsDigestsOnlyAndAcceptsTheirKeys() throws Exception {
        Path file = dir.resolve("keys.txt");
        Files.writeString(file, "# operators\n" + ApiKeys.sha256Hex("alpha") + "\n\n" + ApiKeys.sha256Hex("beta").toUpperCase() + "\n");
        ApiKeys keys = ApiKeys.fromFile(file);
        assertTrue(keys.accepts("Bearer alpha"));
        assertTrue(keys.accepts("bearer beta"));
        assertFalse(keys.accepts("Bearer gamma"));
        assertFalse(keys.accepts("alpha"));
        assertFalse(keys.accepts("Bearer " + ApiKeys.sha256Hex("alpha")), "the digest itself is not a key");
        assertFalse(keys.accepts(null));
    }

    @Test
    void badKeyFileNamesFileAndLine() throws Exception {
        Path file = dir.resolve("keys.txt");
        Files.writeString(file, ApiKeys.sha256Hex("alpha") + "\nplain-text-key\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ApiKeys.fromFile(file));
        assertTrue(e.getMessage().startsWith(file + ":2:"), e.getMessage());
        Files.writeString(file, "# nothing\n");
        assertThrows(IllegalArgumentException.class, () -> ApiKeys.fromFile(file));
    }

    @Test
    void sensorsCsvReadsAndBadLinesAreNamed() throws Exception {
        Path file = dir.resolve("sensors.csv");
        Files.writeString(file, "sensor_id,latitude,longitude\n773869,34.15497,-118.31829\n767541,,-118.23799\n");
        SegmentCatalog c = SegmentCatalog.fromCsv(file);
        List<CatalogSegment> s = c.segments(List.of("767541", "extra"));
        assertEquals(3, s.size());
        assertEquals(34.15497, s.get(0).latitude());
        assertTrue(Double.isNaN(s.get(1).latitude()));
        assertEquals("UNKNOWN", s.get(1).roadClass());
        assertEquals("extra", s.get(2).id());
        assertEquals(-1, s.get(2).zone());

        Files.writeString(file, "sensor_id,latitude,longitude\n1,34.1,-118.2\n2,north,-118.2\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SegmentCatalog.fromCsv(file));
        assertTrue(e.getMessage().startsWith(file + ":3:") && e.getMessage().contains("north"), e.getMessage());
        Files.writeString(file, "name,x,y\n");
        e = assertThrows(IllegalArgumentException.class, () -> SegmentCatalog.fromCsv(file));
        assertTrue(e.getMessage().startsWith(file + ":1:"), e.getMessage());
    }

    @Test
    void keyFileRolesDefaultToReadAndReloadOnChange() throws Exception {
        Path file = dir.resolve("keys.txt");
        Files.writeString(file, ApiKeys.sha256Hex("alpha") + " admin\n" + ApiKeys.sha256Hex("beta") + "\n");
        try (ApiKeys keys = ApiKeys.fromFile(file)) {
            assertEquals(java.util.Optional.of(ApiKeys.Role.ADMIN), keys.roleOf("Bearer alpha"));
            assertEquals(java.util.Optional.of(ApiKeys.Role.READ), keys.roleOf("Bearer beta"));
            assertFalse(keys.reloadIfChanged(), "unchanged file, no reload");
            Files.writeString(file, ApiKeys.sha256Hex("alpha") + " read\n");
            assertTrue(keys.reloadIfChanged());
            assertEquals(java.util.Optional.of(ApiKeys.Role.READ), keys.roleOf("Bearer alpha"));
            assertFalse(keys.accepts("Bearer beta"), "removed from the file: revoked");
            // a half-written file keeps the keys that were there
            Files.writeString(file, ApiKeys.sha256Hex("alpha").substring(0, 20));
            assertThrows(IllegalArgumentException.class, keys::reloadIfChanged);
            assertTrue(keys.accepts("Bearer alpha"));
            Files.writeString(file, ApiKeys.sha256Hex("alpha") + " superuser\n");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, keys::reloadIfChanged);
            assertTrue(e.getMessage().contains(":1: unknown role 'superuser'"), e.getMessage());
        }
    }
}
