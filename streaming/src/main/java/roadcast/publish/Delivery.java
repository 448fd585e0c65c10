package roadcast.publish;

import org.apache.flink.connector.base.DeliveryGuarantee;
import picocli.CommandLine;

/**
 * How forecasts reach the output topic ({@code --delivery}).
 * <ul>
 * <li>{@link #EXACTLY_ONCE} (default): in Kafka transactions committed when the checkpoint that covers them completes;
 * a {@code read_committed} consumer sees each forecast once, also across failures, but only after that checkpoint,
 * so the checkpoint interval is a floor on the lag.</li>
 * <li>{@link #AT_LEAST_ONCE}: written as soon as computed, without transactions (the sink flushes at each checkpoint,
 * so nothing acknowledged is lost). After a failure the job restores its last checkpoint and issues the forecasts
 * since then again, with identical content: a consumer drops repeats by (key, {@code issuedAt}), and the serving
 * store, which overwrites by that pair, needs to do nothing.</li>
 * </ul>
 */
public enum Delivery {
    EXACTLY_ONCE("exactly-once", DeliveryGuarantee.EXACTLY_ONCE),
    AT_LEAST_ONCE("at-least-once", DeliveryGuarantee.AT_LEAST_ONCE);

    private final String option;
    private final DeliveryGuarantee guarantee;

    Delivery(String option, DeliveryGuarantee guarantee) {
        this.option = option;
        this.guarantee = guarantee;
    }

    /** The Kafka sink's guarantee. */
    public DeliveryGuarantee guarantee() {
        return guarantee;
    }

    /** As written on the command line and in benchmark JSON: {@code exactly-once}, {@code at-least-once}. */
    @Override
    public String toString() {
        return option;
    }

    /** {@code exactly-once} or {@code at-least-once} (case and {@code _} for {@code -} tolerated). */
    public static Delivery parse(String text) {
        return OptionNames.parse(Delivery.class, "delivery", text);
    }

    /** picocli: {@code --delivery exactly-once|at-least-once}. */
    public static final class Converter implements CommandLine.ITypeConverter<Delivery> {
        @Override
        public Delivery convert(String value) {
            return OptionNames.convert(Delivery.class, "delivery", value);
        }
    }

    /** picocli completion candidates. */
    public static final class Names implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return OptionNames.names(Delivery.class);
        }
    }
}
