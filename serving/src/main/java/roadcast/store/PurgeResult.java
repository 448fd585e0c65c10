package roadcast.store;

/**
 * What a purge deleted: history entries, latest values and dead letters. The data is gone from the store's files
 * once the purge returns (range deletes followed by a compaction of the families touched).
 */
public record PurgeResult(String selector, long observations, long forecasts, long latest, long deadLetters) {

    public long total() {
        return observations + forecasts + latest + deadLetters;
    }
}
