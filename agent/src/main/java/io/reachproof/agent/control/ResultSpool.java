package io.reachproof.agent.control;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.reachproof.protocol.ProbeResult;
import io.reachproof.protocol.ResultBatch;
import io.reachproof.protocol.SelfCheckStatus;
import io.reachproof.protocol.TargetReadiness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Results waiting for delivery, on disk, oldest first: one file per batch ({@code NNNNNNNNNNNNNNNNNNNN.json},
 * written to a temporary file and renamed, so a crash never leaves half a batch). Bounded by the number of
 * entries (results + self-checks); what does not fit is dropped and counted. A spool found on disk at start
 * is delivered like any other. Thread-safe.
 */
public final class ResultSpool {

    private static final Logger LOG = LoggerFactory.getLogger(ResultSpool.class);
    private static final String SUFFIX = ".json";

    private final String agentId;
    private final Path dir;
    private final int maxEntries;
    private final ObjectMapper mapper;
    private final TreeMap<Long, Integer> segments = new TreeMap<>();
    private long waiting;
    private long nextSequence;
    private long entries;
    private long appended;
    private long dropped;

    /**
     * @param agentId whose results these are (for the logs)
     * @throws UncheckedIOException when the directory cannot be created or read
     */
    public ResultSpool(String agentId, Path dir, int maxEntries, ObjectMapper mapper) {
        this.agentId = requireNonNull(agentId, "agentId");
        this.dir = requireNonNull(dir, "dir");
        this.mapper = requireNonNull(mapper, "mapper");
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1: " + maxEntries);
        }
        this.maxEntries = maxEntries;
        try {
            Files.createDirectories(dir);
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String name = f.getFileName().toString();
                    if (name.endsWith(".tmp")) {
                        Files.deleteIfExists(f);
                    } else if (name.endsWith(SUFFIX)) {
                        long seq = Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
                        ResultBatch batch = read(f);
                        segments.put(seq, size(batch));
                        entries += size(batch);
                        waiting += batch.results().size();
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the result spool " + dir, e);
        }
        nextSequence = segments.isEmpty() ? 1 : segments.lastKey() + 1;
    }

    /**
     * Adds a batch after the others; entries beyond the bound are dropped (newest first), counted and logged
     * (here, and only here).
     *
     * @return the number of entries dropped
     */
    public synchronized int append(ResultBatch batch) {
        if (batch.isEmpty()) {
            return 0;
        }
        long room = maxEntries - entries;
        int size = size(batch);
        ResultBatch kept = batch;
        if (size > room) {
            List<TargetReadiness> targets = batch.targets().subList(0, (int) Math.min(room, batch.targets().size()));
            long afterTargets = room - targets.size();
            List<SelfCheckStatus> checks = batch.selfChecks().subList(0,
                    (int) Math.min(afterTargets, batch.selfChecks().size()));
            long left = afterTargets - checks.size();
            List<ProbeResult> results = batch.results().subList(0, (int) Math.min(left, batch.results().size()));
            kept = new ResultBatch(batch.agentId(), results, checks, targets);
        }
        int lost = size - size(kept);
        dropped += lost;
        if (lost > 0) {
            LOG.warn("agent {}: result spool {} is full ({} entries): dropped {} entries, {} in total",
                    agentId, dir, maxEntries, lost, dropped);
        }
        if (kept.isEmpty()) {
            return lost;
        }
        long seq = nextSequence++;
        Path file = file(seq);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        try {
            Files.write(tmp, mapper.writeValueAsBytes(kept));
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            dropped += size(kept);
            LOG.warn("agent {}: cannot write to the result spool {}: dropped {} entries, {} in total",
                    agentId, dir, size(kept), dropped, e);
            return lost + size(kept);
        }
        segments.put(seq, size(kept));
        entries += size(kept);
        waiting += kept.results().size();
        appended += kept.results().size();
        return lost;
    }

    /** The oldest batch waiting, if any. */
    public synchronized Optional<Segment> oldest() {
        while (!segments.isEmpty()) {
            long seq = segments.firstKey();
            try {
                return Optional.of(new Segment(seq, read(file(seq))));
            } catch (IOException e) {
                LOG.warn("agent {}: unreadable spool file {} dropped", agentId, file(seq), e);
                dropped += segments.get(seq);
                forget(seq, 0);
            }
        }
        return Optional.empty();
    }

    /** Forgets a delivered batch. */
    public synchronized void remove(Segment segment) {
        forget(segment.sequence(), segment.batch().results().size());
    }

    private void forget(long seq, int results) {
        waiting -= results;
        Integer size = segments.remove(seq);
        if (size != null) {
            entries -= size;
        }
        try {
            Files.deleteIfExists(file(seq));
        } catch (IOException e) {
            LOG.warn("agent {}: cannot delete spool file {}", agentId, file(seq), e);
        }
    }

    /** Entries (results + self-checks) waiting. */
    public synchronized long entries() {
        return entries;
    }

    /** Results waiting. */
    public synchronized long waitingResults() {
        return waiting;
    }

    /** Results ever written to this spool (by this process). */
    public synchronized long appendedResults() {
        return appended;
    }

    /** Entries dropped because the spool was full or the disk failed (by this process). */
    public synchronized long dropped() {
        return dropped;
    }

    private Path file(long seq) {
        return dir.resolve(String.format("%020d", seq) + SUFFIX);
    }

    private ResultBatch read(Path f) throws IOException {
        return mapper.readValue(f.toFile(), ResultBatch.class);
    }

    private static int size(ResultBatch b) {
        return b.results().size() + b.selfChecks().size() + b.targets().size();
    }

    /** One spooled batch. */
    public record Segment(long sequence, ResultBatch batch) {
    }
}
