package roadcast.api;

/** Where a horizon (minutes ahead) stands in a model's or a forecast's horizons: the one lookup the API's readers share. */
final class HorizonColumn {

    private HorizonColumn() {
    }

    /** The index of {@code minutes} in {@code horizonsMin}, or -1 when it has no such horizon. */
    static int of(int[] horizonsMin, int minutes) {
        for (int i = 0; i < horizonsMin.length; i++) {
            if (horizonsMin[i] == minutes) {
                return i;
            }
        }
        return -1;
    }
}
