package roadcast.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;

import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import roadcast.forecast.Forecast;
import roadcast.forecast.ForecastJsonWriter;
import roadcast.forecast.Forecasts;
import roadcast.forecast.NetworkForecast;
import roadcast.forecast.NetworkForecaster;
import roadcast.forecast.ZoneIssue;
import roadcast.history.SpeedHistory;
import roadcast.model.ManifoldModel;
import roadcast.publish.ForecastFormat;
import roadcast.publish.ForecastRecordSerializer;
import roadcast.publish.IssuedForecast;
import roadcast.publish.IssuedForecastSerializer;

/**
 * What the zone operator emits, a segment of a {@link ZoneIssue}, reaches Kafka as the bytes of the
 * {@link Forecast} record of the same values (JSON and Avro, key and value), crosses the network between the zone
 * operator and the publishing subtasks as that record, and is shared, not copied, between chained operators.
 */
class ZoneIssueRecordTest {

    @Test
    void aZoneIssuesSegmentsPublishAsTheirRecords() throws Exception {
        SmallCity city = SmallCity.generate("s", 3, 5, 4);
        ManifoldModel model = city.train(2 * 288, 2);
        NetworkForecaster forecaster = new NetworkForecaster(model);
        NetworkForecast out = forecaster.newForecast();
        SpeedHistory h = city.history;
        ForecastRecordSerializer json = new ForecastRecordSerializer("forecasts", ForecastFormat.JSON);
        ForecastRecordSerializer avro = new ForecastRecordSerializer("forecasts", ForecastFormat.AVRO);
        json.open(null, null);
        avro.open(null, null);
        ForecastJsonWriter writer = new ForecastJsonWriter();
        int compared = 0;
        for (int t = 0; t < 2 * 288 + 12; t++) {
            forecaster.observe(h.epochMillis(t), h.speed()[t]);
            if (t < 2 * 288) {
                continue;
            }
            forecaster.forecast(out);
            for (int z = 0; z < model.zoneCount(); z++) {
                ZoneIssue issue = new ZoneIssue(new ZoneIssue.Layout(model, z), out.zones[z],
                        forecaster.lastZoneRow(z));
                List<Forecast> records = Forecasts.toRecords(issue);
                for (int i = 0; i < issue.size(); i++) {
                    IssuedForecast issued = new IssuedForecast(issue.segment(i), 77L);
                    IssuedForecast asRecord = new IssuedForecast(records.get(i), 77L);
                    assertSameRecord(json.serialize(asRecord, null, null), json.serialize(issued, null, null));
                    assertSameRecord(avro.serialize(asRecord, null, null), avro.serialize(issued, null, null));
                    assertSame(issued, IssuedForecastSerializer.INSTANCE.copy(issued), "immutable: shared");
                    DataOutputSerializer bytes = new DataOutputSerializer(256);
                    IssuedForecastSerializer.INSTANCE.serialize(issued, bytes);
                    IssuedForecast back = IssuedForecastSerializer.INSTANCE.deserialize(
                            new DataInputDeserializer(bytes.getCopyOfBuffer()));
                    assertEquals(77L, back.inputAppendMillis());
                    assertArrayEquals(writer.toBytes(records.get(i)), writer.toBytes(back.values()));
                    compared++;
                }
            }
        }
        assertEquals(12 * 24, compared);
    }

    private static void assertSameRecord(ProducerRecord<byte[], byte[]> expected,
                                         ProducerRecord<byte[], byte[]> actual) {
        assertEquals(expected.topic(), actual.topic());
        assertEquals(expected.timestamp(), actual.timestamp());
        assertArrayEquals(expected.key(), actual.key());
        assertArrayEquals(expected.value(), actual.value());
        assertEquals(expected.headers(), actual.headers());
    }
}
