package roadcast.train;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import roadcast.fit.ProgressListener;

/**
 * Shows the trainer's progress as one console progress bar per stage. The trainer reports from worker threads, so
 * every call is synchronised; a new stage name closes the previous bar.
 */
public final class ProgressBars implements ProgressListener, AutoCloseable {

    private final boolean enabled;
    private ProgressBar bar;
    private String stage;

    /** @param enabled false for a silent listener (tests, --quiet) */
    public ProgressBars(boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public synchronized void progress(String stage, long done, long total) {
        if (!enabled) {
            return;
        }
        if (bar == null || !stage.equals(this.stage)) {
            close();
            this.stage = stage;
            bar = new ProgressBarBuilder().setTaskName(stage).setInitialMax(Math.max(1, total))
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate().build();
        }
        bar.maxHint(Math.max(1, total));
        bar.stepTo(Math.max(done, bar.getCurrent()));
    }

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
