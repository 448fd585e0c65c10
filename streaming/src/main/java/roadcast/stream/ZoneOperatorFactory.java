package roadcast.stream;

import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.operators.coordination.OperatorCoordinator;
import org.apache.flink.runtime.operators.coordination.OperatorEventDispatcher;
import org.apache.flink.streaming.api.operators.CoordinatedOperatorFactory;
import org.apache.flink.streaming.api.operators.SimpleOperatorFactory;
import org.apache.flink.streaming.api.operators.StreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperatorFactory;
import roadcast.publish.IssuedForecast;

/**
 * Puts the {@link ZoneOperator} into the job with its {@link CheckpointPacer}: Flink creates the pacer in the
 * JobManager from {@link #getCoordinatorProvider} and hands the operator, on its task, the gateway its signals take.
 * The pacer is attached whether the operator signals or not ({@code --no-checkpoint-on-step}), so the job graph, and
 * what a savepoint restores into, does not depend on the option.
 */
final class ZoneOperatorFactory extends SimpleOperatorFactory<IssuedForecast>
        implements CoordinatedOperatorFactory<IssuedForecast>,
        TwoInputStreamOperatorFactory<ReadingEvent, String, IssuedForecast> {

    private static final long serialVersionUID = 1L;

    private final long minGapMillis;

    /** {@code minGapMillis}: the least time between two checkpoints the pacer asks for (the periodic interval). */
    ZoneOperatorFactory(ZoneOperator operator, long minGapMillis) {
        super(operator);
        this.minGapMillis = minGapMillis;
    }

    @Override
    public <T extends StreamOperator<IssuedForecast>> T createStreamOperator(
            StreamOperatorParameters<IssuedForecast> parameters) {
        OperatorID id = parameters.getStreamConfig().getOperatorID();
        OperatorEventDispatcher events = parameters.getOperatorEventDispatcher();
        events.registerEventHandler(id, event -> { }); // the pacer sends nothing to the operator
        ((ZoneOperator) getOperator()).pacedBy(events.getOperatorEventGateway(id));
        return super.createStreamOperator(parameters);
    }

    @Override
    public OperatorCoordinator.Provider getCoordinatorProvider(String operatorName, OperatorID operatorId) {
        return new CheckpointPacer.Provider(operatorId, minGapMillis);
    }
}
