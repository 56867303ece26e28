package io.reachproof.yaml;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Turns a YAML (or JSON) file into its documents' node trees, with marks, within {@link YamlLimits}: a
 * file over the size limit is not parsed; nesting deeper than the limit stops the parser at the
 * collection that goes too deep (before the composer's recursion could overflow the stack); a document
 * whose aliases would add more nodes than the limit, or nest too deep once expanded, or refer to
 * themselves, is reported instead of returned. Each of these is a {@link Problem} at
 * {@code FILE:LINE:COLUMN}. Stateless and thread-safe.
 */
public final class YamlLoader {

    /** Characters read at once (a file within the default limit at once); a longer token costs a copy of itself per refill. */
    private static final int READ_BUFFER_CHARS = 4 << 20;

    private final YamlLimits limits;

    public YamlLoader(YamlLimits limits) {
        this.limits = requireNonNull(limits, "limits");
    }

    /** The documents of a file, the documents before a syntax error, and the problems found. */
    public record Loaded(List<Node> documents, List<Problem> problems, Optional<SyntaxError> syntaxError) {
        public Loaded {
            documents = List.copyOf(documents);
            problems = List.copyOf(problems);
            requireNonNull(syntaxError, "syntaxError");
        }

        /** True when the whole file was read without a problem. */
        public boolean ok() {
            return problems.isEmpty() && syntaxError.isEmpty();
        }
    }

    /**
     * Where the text stops being YAML: {@code context} is what the parser was doing (e.g. "while parsing a
     * flow sequence"), when it says; {@code problem} what it found. Both are one line (the parser's line breaks,
     * as in {@code "unexpected character found \n(10)"}, become spaces), so a problem stays one line of output.
     */
    public record SyntaxError(SourceRef at, Optional<String> context, String problem) {
        public SyntaxError {
            requireNonNull(at, "at");
            requireNonNull(context, "context");
            requireNonNull(problem, "problem");
            context = context.map(SyntaxError::oneLine);
            problem = oneLine(problem);
        }

        private static String oneLine(String text) {
            return text.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
        }
    }

    /**
     * Reads {@code file} (UTF-8). A missing, unreadable, too large or non-UTF-8 file is a problem naming the
     * file (position 0:0).
     */
    public Loaded load(Path file) {
        String name = file.toString();
        try {
            long size = Files.size(file);
            if (size > limits.maxFileBytes()) {
                return failed(name, tooLarge(size));
            }
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length > limits.maxFileBytes()) {
                return failed(name, tooLarge(bytes.length));
            }
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            return parse(name, text);
        } catch (NoSuchFileException e) {
            return failed(name, "no such file");
        } catch (CharacterCodingException e) {
            return failed(name, "not UTF-8 text");
        } catch (IOException e) {
            return failed(name, "cannot read: " + e.getMessage());
        }
    }

    /** Reads {@code text} as if it were the file {@code file}. */
    public Loaded load(String file, String text) {
        long bytes = utf8Length(text);
        if (bytes > limits.maxFileBytes()) {
            return failed(file, tooLarge(bytes));
        }
        return parse(file, text);
    }

    private String tooLarge(long bytes) {
        return "the file has " + bytes + " bytes, more than the limit of " + limits.maxFileBytes();
    }

    private static Loaded failed(String file, String message) {
        return new Loaded(List.of(), List.of(new Problem(new SourceRef(file, 0, 0), message)), Optional.empty());
    }

    private Loaded parse(String file, String text) {
        // a large read buffer: the reader copies its window (from the token being scanned) on every refill,
        // so one long scalar cost time quadratic in its length with the default 1 KiB buffer (4 MB: 8.7 s)
        LoadSettings settings = LoadSettings.builder()
                .setLabel(file)
                .setSchema(new CoreSchema())
                .setUseMarks(true)
                .setCodePointLimit((int) limits.maxFileBytes())
                .setBufferSize(Math.min(text.length() + 1, READ_BUFFER_CHARS))
                .build();
        List<Node> documents = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        Parser parser = new DepthLimitedParser(new ParserImpl(settings, new StreamReader(settings, text)), limits.maxNestingDepth(), file);
        Composer composer = new Composer(settings, parser);
        try {
            while (composer.hasNext()) {
                Node document = composer.next();
                Optional<Problem> expansion = new Expansion(file, limits).check(document);
                if (expansion.isPresent()) {
                    problems.add(expansion.get());
                } else {
                    documents.add(document);
                }
            }
        } catch (LimitExceeded e) {
            problems.add(e.problem);
        } catch (MarkedYamlEngineException e) {
            SourceRef at = e.getProblemMark().or(e::getContextMark).map(m -> at(file, m)).orElse(new SourceRef(file, 1, 1));
            return new Loaded(documents, problems, Optional.of(new SyntaxError(at, Optional.ofNullable(e.getContext()), e.getProblem())));
        } catch (ReaderException e) {
            return new Loaded(documents, problems, Optional.of(new SyntaxError(position(file, text, e.getPosition()), Optional.empty(),
                    e.getMessage())));
        } catch (YamlEngineException e) {
            return new Loaded(documents, problems, Optional.of(new SyntaxError(new SourceRef(file, 1, 1), Optional.empty(),
                    e.getMessage())));
        }
        return new Loaded(documents, problems, Optional.empty());
    }

    static SourceRef at(String file, Mark mark) {
        return new SourceRef(file, mark.getLine() + 1, mark.getColumn() + 1);
    }

    private static SourceRef position(String file, String content, int index) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < Math.min(index, content.length()); i++) {
            if (content.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new SourceRef(file, line, column);
    }

    private static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** A limit was hit while parsing; carries the problem to report. */
    private static final class LimitExceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final transient Problem problem;

        LimitExceeded(Problem problem) {
            super(problem.toString(), null, false, false);
            this.problem = problem;
        }
    }

    /** Stops the event stream at the first collection nested deeper than the limit. */
    private static final class DepthLimitedParser implements Parser {
        private final Parser parser;
        private final int maxDepth;
        private final String file;
        private int depth;

        DepthLimitedParser(Parser parser, int maxDepth, String file) {
            this.parser = parser;
            this.maxDepth = maxDepth;
            this.file = file;
        }

        @Override
        public boolean checkEvent(Event.ID id) {
            return parser.checkEvent(id);
        }

        @Override
        public Event peekEvent() {
            return parser.peekEvent();
        }

        @Override
        public boolean hasNext() {
            return parser.hasNext();
        }

        @Override
        public Event next() {
            Event event = parser.next();
            switch (event.getEventId()) {
                case SequenceStart, MappingStart -> {
                    if (++depth > maxDepth) {
                        SourceRef at = event.getStartMark().map(m -> at(file, m)).orElse(new SourceRef(file, 1, 1));
                        throw new LimitExceeded(new Problem(at, nestedTooDeep(maxDepth)));
                    }
                }
                case SequenceEnd, MappingEnd -> depth--;
                default -> {
                }
            }
            return event;
        }
    }

    private static String nestedTooDeep(int maxDepth) {
        return "lists and mappings nest more than " + maxDepth + " levels deep (the limit)";
    }

    /**
     * What a document's aliases cost once expanded. Walks each distinct node once (the composer shares an
     * anchored node among its aliases), remembering each node's expanded size and depth, so the check
     * itself costs no more than the document's text.
     */
    private static final class Expansion {
        private final String file;
        private final YamlLimits limits;
        private final Map<Node, long[]> done = new IdentityHashMap<>();
        private final Map<Node, Boolean> open = new IdentityHashMap<>();
        private long added;
        private Problem problem;

        Expansion(String file, YamlLimits limits) {
            this.file = file;
            this.limits = limits;
        }

        Optional<Problem> check(Node document) {
            visit(document);
            return Optional.ofNullable(problem);
        }

        /** {expanded size, expanded depth} of {@code node}; stops early once a problem is found. */
        private long[] visit(Node node) {
            long[] known = done.get(node);
            if (known != null) {
                // an alias: the whole subtree again
                added += known[0];
                if (problem == null && added > limits.maxAliasExpandedNodes()) {
                    problem = new Problem(at(node), "aliases of " + anchor(node) + " expand the document by more than "
                            + limits.maxAliasExpandedNodes() + " nodes (the limit)");
                }
                return known;
            }
            if (open.containsKey(node)) {
                problem = problem != null ? problem : new Problem(at(node), anchor(node) + " refers to itself (a recursive alias)");
                return new long[] {1, 1};
            }
            open.put(node, Boolean.TRUE);
            long size = 1;
            long depth = 0;
            for (Node child : children(node)) {
                if (problem != null) {
                    break;
                }
                long[] c = visit(child);
                size = Math.min(Long.MAX_VALUE / 2, size + c[0]);
                depth = Math.max(depth, c[1]);
            }
            long[] result = {size, depth + (node instanceof MappingNode || node instanceof SequenceNode ? 1 : 0)};
            if (problem == null && result[1] > limits.maxNestingDepth()) {
                problem = new Problem(at(node), "with its aliases expanded, lists and mappings nest more than " + limits.maxNestingDepth()
                        + " levels deep (the limit)");
            }
            open.remove(node);
            done.put(node, result);
            return result;
        }

        private static List<Node> children(Node node) {
            if (node instanceof SequenceNode s) {
                return s.getValue();
            }
            if (node instanceof MappingNode m) {
                List<Node> all = new ArrayList<>(m.getValue().size() * 2);
                for (NodeTuple t : m.getValue()) {
                    all.add(t.getKeyNode());
                    all.add(t.getValueNode());
                }
                return all;
            }
            return List.of();
        }

        private static String anchor(Node node) {
            return node.getAnchor().map(a -> "the anchor &" + a.getValue()).orElse("the node");
        }

        private SourceRef at(Node node) {
            return NodeReader.at(file, node);
        }
    }
}
