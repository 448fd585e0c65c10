package roadcast.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** "implementation-version+git.commit" of the running code, for model cards; parts not resolvable read "unknown". */
public final class CodeVersion {

    private CodeVersion() {
    }

    public static String describe() {
        String implementation = ManifoldModel.class.getPackage().getImplementationVersion();
        String commit = gitCommit(Path.of("").toAbsolutePath());
        if (implementation == null && commit == null) {
            return "unknown";
        }
        return (implementation == null ? "unknown" : implementation) + "+git." + (commit == null ? "unknown" : commit);
    }

    /** The commit of HEAD of the enclosing git work tree, read from .git without running git. */
    static String gitCommit(Path start) {
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path git = dir.resolve(".git");
            if (!Files.isDirectory(git)) {
                continue;
            }
            try {
                String head = Files.readString(git.resolve("HEAD")).trim();
                if (!head.startsWith("ref: ")) {
                    return head;
                }
                String ref = head.substring(5).trim();
                Path loose = git.resolve(ref);
                if (Files.isRegularFile(loose)) {
                    return Files.readString(loose).trim();
                }
                Path packed = git.resolve("packed-refs");
                if (Files.isRegularFile(packed)) {
                    for (String line : Files.readAllLines(packed)) {
                        if (line.endsWith(" " + ref)) {
                            return line.substring(0, line.indexOf(' '));
                        }
                    }
                }
            } catch (IOException e) {
                return null;
            }
            return null;
        }
        return null;
    }
}
