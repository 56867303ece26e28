package io.reachproof.coordinator.round;

import io.reachproof.expectations.ConnectivityExpectation;
import io.reachproof.expectations.ExpectationReader;
import io.reachproof.expectations.ExpectationResolver;
import io.reachproof.yaml.Problem;
import io.reachproof.expectations.ReadResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads expectation files into the sets a coordinator proves; every problem of every file, or none. */
public final class ExpectationFiles {

    private ExpectationFiles() {
    }

    /** The sets of {@code files}, their group cells resolved. */
    public static List<LoadedExpectation> load(List<Path> files) throws InvalidExpectations {
        return loaded(new ExpectationReader().readAll(files), String.join(", ", files.stream().map(Path::toString).toList()));
    }

    /** The sets of one file's text, read as if it were {@code file}. */
    public static List<LoadedExpectation> load(String file, String content) throws InvalidExpectations {
        return loaded(new ExpectationReader().read(file, content), file);
    }

    private static List<LoadedExpectation> loaded(ReadResult read, String files) throws InvalidExpectations {
        if (!read.ok()) {
            throw new InvalidExpectations(read.problems().stream().map(Problem::toString).toList());
        }
        if (read.expectations().isEmpty()) {
            throw new InvalidExpectations(List.of(files + ": no ConnectivityExpectation found"));
        }
        List<LoadedExpectation> loaded = new ArrayList<>();
        for (ConnectivityExpectation e : read.expectations()) {
            loaded.add(new LoadedExpectation(e, ExpectationResolver.groupCells(e), Optional.empty()));
        }
        return loaded;
    }

    /** The problems of expectation files, each as {@code FILE:LINE:COLUMN: message}. */
    public static final class InvalidExpectations extends InvalidFiles {
        private static final long serialVersionUID = 1L;

        public InvalidExpectations(List<String> problems) {
            super(problems);
        }
    }
}
