package roadcast.zone;

/** Disjoint sets with sizes; the smaller index becomes the root so results do not depend on merge order details. */
final class UnionFind {

    private final int[] parent;
    private final int[] size;

    UnionFind(int n) {
        parent = new int[n];
        size = new int[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
            size[i] = 1;
        }
    }

    int find(int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    int size(int root) {
        return size[root];
    }

    /** Joins the sets of a and b if they differ and their combined size stays within max. */
    boolean unionIfFits(int a, int b, int max) {
        int ra = find(a);
        int rb = find(b);
        if (ra == rb || size[ra] + size[rb] > max) {
            return false;
        }
        int root = Math.min(ra, rb);
        int child = Math.max(ra, rb);
        parent[child] = root;
        size[root] += size[child];
        return true;
    }
}
