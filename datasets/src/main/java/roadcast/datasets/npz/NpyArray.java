package roadcast.datasets.npz;

/**
 * A numeric NumPy array read from a {@code .npy} stream, widened to double, C order.
 *
 * @param shape dimensions
 * @param data  the values, row-major (last index fastest)
 */
public record NpyArray(int[] shape, double[] data) {

    public int dimension(int axis) {
        return shape[axis];
    }
}
