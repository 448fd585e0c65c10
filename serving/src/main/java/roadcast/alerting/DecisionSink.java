package roadcast.alerting;

/**
 * Where the live decisions go: topic {@code roadcast.alerts} (key = alert id) and {@code roadcast.outlook} (key =
 * {@link LiveDecisions#OUTLOOK_KEY}). {@link #NONE} when serving follows no broker.
 */
public interface DecisionSink extends AutoCloseable {

    void alert(String key, String json);

    void outlook(String key, String json);

    @Override
    default void close() {
    }

    DecisionSink NONE = new DecisionSink() {
        @Override
        public void alert(String key, String json) {
        }

        @Override
        public void outlook(String key, String json) {
        }
    };
}
