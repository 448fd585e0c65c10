package roadcast.stream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.groups.SplitEnumeratorMetricGroup;
import roadcast.kafka.RawRecord;

/**
 * The job's input: any source of raw records (Kafka in production, bounded lists in tests) whose records are parsed
 * once, in the reader, and stamped with their event time there ({@link ParsingReader}). Its splits carry the newest
 * accepted time of each in the checkpointed state ({@link TimedSplit}); the enumerator is the wrapped one, working on
 * the wrapped splits (a split it assigns starts without a time: its reader bounds it by the newest of its others).
 *
 * <p>Why a wrapper rather than a timestamp assigner plus a parse stage (as before): the assigner's reference of the
 * lead bound was a plain field, empty after a restore, so a far-future first record of a split moved its watermark
 * (issue 10); and every record was parsed twice (issue 12).
 */
final class ParsingSource<S extends SourceSplit, E>
        implements Source<ParsedRecord, TimedSplit<S>, E>, ResultTypeQueryable<ParsedRecord> {

    private static final long serialVersionUID = 1L;

    private final Source<RawRecord, S, E> source;
    private final InputParser parser;

    private ParsingSource(Source<RawRecord, S, E> source, InputParser parser) {
        this.source = source;
        this.parser = parser;
    }

    static <S extends SourceSplit, E> ParsingSource<S, E> of(Source<RawRecord, S, E> source, InputParser parser) {
        return new ParsingSource<>(source, parser);
    }

    @Override
    public Boundedness getBoundedness() {
        return source.getBoundedness();
    }

    @Override
    public SourceReader<ParsedRecord, TimedSplit<S>> createReader(SourceReaderContext context) throws Exception {
        return new ParsingReader<>(source.createReader(context), parser);
    }

    @Override
    public SplitEnumerator<TimedSplit<S>, E> createEnumerator(SplitEnumeratorContext<TimedSplit<S>> context)
            throws Exception {
        return new Enumerator<>(source.createEnumerator(new EnumeratorContext<>(context)));
    }

    @Override
    public SplitEnumerator<TimedSplit<S>, E> restoreEnumerator(SplitEnumeratorContext<TimedSplit<S>> context,
                                                               E checkpoint) throws Exception {
        return new Enumerator<>(source.restoreEnumerator(new EnumeratorContext<>(context), checkpoint));
    }

    @Override
    public SimpleVersionedSerializer<TimedSplit<S>> getSplitSerializer() {
        return new TimedSplit.Serializer<>(source.getSplitSerializer());
    }

    @Override
    public SimpleVersionedSerializer<E> getEnumeratorCheckpointSerializer() {
        return source.getEnumeratorCheckpointSerializer();
    }

    @Override
    public TypeInformation<ParsedRecord> getProducedType() {
        return TypeInformation.of(ParsedRecord.class);
    }

    /** The wrapped enumerator; splits handed back to it lose their time (they were assigned after the last checkpoint). */
    private static final class Enumerator<S extends SourceSplit, E> implements SplitEnumerator<TimedSplit<S>, E> {
        private final SplitEnumerator<S, E> enumerator;

        Enumerator(SplitEnumerator<S, E> enumerator) {
            this.enumerator = enumerator;
        }

        @Override
        public void start() {
            enumerator.start();
        }

        @Override
        public void handleSplitRequest(int subtaskId, String requesterHostname) {
            enumerator.handleSplitRequest(subtaskId, requesterHostname);
        }

        @Override
        public void addSplitsBack(List<TimedSplit<S>> splits, int subtaskId) {
            List<S> plain = new ArrayList<>(splits.size());
            splits.forEach(t -> plain.add(t.split()));
            enumerator.addSplitsBack(plain, subtaskId);
        }

        @Override
        public void addReader(int subtaskId) {
            enumerator.addReader(subtaskId);
        }

        @Override
        public E snapshotState(long checkpointId) throws Exception {
            return enumerator.snapshotState(checkpointId);
        }

        @Override
        public void close() throws java.io.IOException {
            enumerator.close();
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            enumerator.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void notifyCheckpointAborted(long checkpointId) throws Exception {
            enumerator.notifyCheckpointAborted(checkpointId);
        }

        @Override
        public void handleSourceEvent(int subtaskId, SourceEvent sourceEvent) {
            enumerator.handleSourceEvent(subtaskId, sourceEvent);
        }
    }

    /** The coordinator's context as the wrapped enumerator sees it: splits it assigns are wrapped without a time. */
    private static final class EnumeratorContext<S extends SourceSplit> implements SplitEnumeratorContext<S> {
        private final SplitEnumeratorContext<TimedSplit<S>> context;

        EnumeratorContext(SplitEnumeratorContext<TimedSplit<S>> context) {
            this.context = context;
        }

        @Override
        public SplitEnumeratorMetricGroup metricGroup() {
            return context.metricGroup();
        }

        @Override
        public void sendEventToSourceReader(int subtaskId, SourceEvent event) {
            context.sendEventToSourceReader(subtaskId, event);
        }

        @Override
        public void sendEventToSourceReader(int subtaskId, int attemptNumber, SourceEvent event) {
            context.sendEventToSourceReader(subtaskId, attemptNumber, event);
        }

        @Override
        public int currentParallelism() {
            return context.currentParallelism();
        }

        @Override
        public Map<Integer, ReaderInfo> registeredReaders() {
            return context.registeredReaders();
        }

        @Override
        public Map<Integer, Map<Integer, ReaderInfo>> registeredReadersOfAttempts() {
            return context.registeredReadersOfAttempts();
        }

        @Override
        public void assignSplits(SplitsAssignment<S> assignment) {
            Map<Integer, List<TimedSplit<S>>> timed = new HashMap<>();
            assignment.assignment().forEach((subtask, splits) -> {
                List<TimedSplit<S>> list = new ArrayList<>(splits.size());
                splits.forEach(s -> list.add(new TimedSplit<>(s, Long.MIN_VALUE)));
                timed.put(subtask, list);
            });
            context.assignSplits(new SplitsAssignment<>(timed));
        }

        @Override
        public void assignSplit(S split, int subtask) {
            context.assignSplit(new TimedSplit<>(split, Long.MIN_VALUE), subtask);
        }

        @Override
        public void signalNoMoreSplits(int subtask) {
            context.signalNoMoreSplits(subtask);
        }

        @Override
        public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler) {
            context.callAsync(callable, handler);
        }

        @Override
        public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler, long initialDelayMillis,
                                  long periodMillis) {
            context.callAsync(callable, handler, initialDelayMillis, periodMillis);
        }

        @Override
        public void runInCoordinatorThread(Runnable runnable) {
            context.runInCoordinatorThread(runnable);
        }

        @Override
        public void setIsProcessingBacklog(boolean isProcessingBacklog) {
            context.setIsProcessingBacklog(isProcessingBacklog);
        }
    }
}
