package roadcast.stream;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.InputStatus;
import roadcast.kafka.RawRecord;

/**
 * The wrapped source's reader, parsing each record once as it is emitted ({@link InputParser}) and giving it its
 * event time explicitly: the reading's time when accepted, {@link SourceEventTime#NONE} (never moves a watermark)
 * when refused. Records the wrapped reader emits through a split's output (Kafka: one per partition) are checked
 * against that split's newest accepted time, and a split without one against the newest over this reader's splits;
 * records emitted without a split (bounded test sources) against the newest of the reader. The newest time of each
 * split is written into its checkpointed state ({@link TimedSplit}) and read back when the split is added after a
 * restore, so the lead bound holds from the first record after a restore.
 */
final class ParsingReader<S extends SourceSplit> implements SourceReader<ParsedRecord, TimedSplit<S>> {

    private final SourceReader<RawRecord, S> reader;
    private final InputParser parser;
    /** Newest accepted event time per split id (kept for finished splits too: a few bytes each). */
    private final Map<String, Newest> newestOfSplit = new HashMap<>();
    /** Newest accepted event time over all of this reader's splits and split-less records. */
    private final Newest newestOfReader = new Newest();
    private ReaderOutput<ParsedRecord> lastOutput;
    private MainOutput main;

    ParsingReader(SourceReader<RawRecord, S> reader, InputParser parser) {
        this.reader = reader;
        this.parser = parser;
    }

    /** A mutable event time, shared by a split's output and the reader's snapshot. */
    private static final class Newest {
        long millis = Long.MIN_VALUE;

        void advance(long t) {
            if (t > millis) {
                millis = t;
            }
        }
    }

    private void emit(RawRecord raw, SourceOutput<ParsedRecord> to, Newest ofSplit) {
        long reference = ofSplit != null && ofSplit.millis != Long.MIN_VALUE ? ofSplit.millis : newestOfReader.millis;
        ParsedRecord p = parser.parse(raw, reference);
        if (p.reading == null) {
            to.collect(p, SourceEventTime.NONE);
            return;
        }
        long t = p.reading.timeMillis;
        if (ofSplit != null) {
            ofSplit.advance(t);
        }
        newestOfReader.advance(t);
        to.collect(p, t);
    }

    @Override
    public void start() {
        reader.start();
    }

    @Override
    public InputStatus pollNext(ReaderOutput<ParsedRecord> output) throws Exception {
        if (output != lastOutput) { // the operator passes the same output every time; wrap it once
            lastOutput = output;
            main = new MainOutput(output);
        }
        return reader.pollNext(main);
    }

    @Override
    public List<TimedSplit<S>> snapshotState(long checkpointId) {
        List<S> splits = reader.snapshotState(checkpointId);
        List<TimedSplit<S>> timed = new ArrayList<>(splits.size());
        for (S s : splits) {
            Newest n = newestOfSplit.get(s.splitId());
            timed.add(new TimedSplit<>(s, n != null && n.millis != Long.MIN_VALUE ? n.millis : newestOfReader.millis));
        }
        return timed;
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return reader.isAvailable();
    }

    @Override
    public void addSplits(List<TimedSplit<S>> splits) {
        List<S> plain = new ArrayList<>(splits.size());
        for (TimedSplit<S> t : splits) {
            newestOfSplit.computeIfAbsent(t.splitId(), id -> new Newest()).advance(t.newestMillis());
            newestOfReader.advance(t.newestMillis());
            plain.add(t.split());
        }
        reader.addSplits(plain);
    }

    @Override
    public void notifyNoMoreSplits() {
        reader.notifyNoMoreSplits();
    }

    @Override
    public void handleSourceEvents(SourceEvent event) {
        reader.handleSourceEvents(event);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        reader.notifyCheckpointComplete(checkpointId); // Kafka commits the group's offsets here
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
        reader.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void pauseOrResumeSplits(Collection<String> toPause, Collection<String> toResume) {
        reader.pauseOrResumeSplits(toPause, toResume); // watermark alignment
    }

    @Override
    public void close() throws Exception {
        reader.close();
    }

    /** The output of one split: its records are checked against, and advance, that split's newest time. */
    private final class SplitOutput implements SourceOutput<RawRecord> {
        private final SourceOutput<ParsedRecord> out;
        private final Newest newest;

        SplitOutput(SourceOutput<ParsedRecord> out, Newest newest) {
            this.out = out;
            this.newest = newest;
        }

        @Override
        public void collect(RawRecord raw) {
            emit(raw, out, newest);
        }

        @Override
        public void collect(RawRecord raw, long timestamp) {
            emit(raw, out, newest); // the Kafka timestamp is not the event time
        }

        @Override
        public void emitWatermark(Watermark watermark) {
            out.emitWatermark(watermark);
        }

        @Override
        public void markIdle() {
            out.markIdle();
        }

        @Override
        public void markActive() {
            out.markActive();
        }
    }

    /** The reader's output; split outputs made through it are wrapped as {@link SplitOutput}s. */
    private final class MainOutput implements ReaderOutput<RawRecord> {
        private final ReaderOutput<ParsedRecord> out;

        MainOutput(ReaderOutput<ParsedRecord> out) {
            this.out = out;
        }

        @Override
        public void collect(RawRecord raw) {
            emit(raw, out, null);
        }

        @Override
        public void collect(RawRecord raw, long timestamp) {
            emit(raw, out, null);
        }

        @Override
        public void emitWatermark(Watermark watermark) {
            out.emitWatermark(watermark);
        }

        @Override
        public void markIdle() {
            out.markIdle();
        }

        @Override
        public void markActive() {
            out.markActive();
        }

        @Override
        public SourceOutput<RawRecord> createOutputForSplit(String splitId) {
            return new SplitOutput(out.createOutputForSplit(splitId),
                    newestOfSplit.computeIfAbsent(splitId, id -> new Newest()));
        }

        @Override
        public void releaseOutputForSplit(String splitId) {
            out.releaseOutputForSplit(splitId);
        }
    }
}
