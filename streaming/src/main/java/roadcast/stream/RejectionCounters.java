package roadcast.stream;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import roadcast.ingest.RejectReason;

/** One Flink counter per {@link RejectReason} ({@code <operator>.rejected.<reason>}), registered up front. */
final class RejectionCounters {

    private final Counter[] counters;

    RejectionCounters(MetricGroup operatorGroup) {
        MetricGroup group = operatorGroup.addGroup("rejected");
        RejectReason[] reasons = RejectReason.values();
        counters = new Counter[reasons.length];
        for (RejectReason r : reasons) {
            counters[r.ordinal()] = group.counter(r.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    void inc(RejectReason reason) {
        counters[reason.ordinal()].inc();
    }
}
