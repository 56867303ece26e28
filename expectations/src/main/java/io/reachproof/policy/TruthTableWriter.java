package io.reachproof.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.reachproof.protocol.Protocol;
import io.reachproof.protocol.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;

/**
 * Writes a {@link TruthTable} to a writer the caller owns, streaming cell by cell: as JSON
 * ({@code {"cells":[{"from":"x/a","to":"y/b","port":80,"protocol":"TCP","verdict":"allow"}, ...]}}, one cell
 * per line, in table order) or as text for people (one block per port, sources as rows, destinations as
 * numbered columns).
 */
public final class TruthTableWriter {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private TruthTableWriter() {
    }

    private static WritableCells of(TruthTable table) {
        String[] ids = table.pods().stream().map(PodRef::toString).toArray(String[]::new);
        return new WritableCells() {
            @Override
            public List<String> pods() {
                return List.of(ids);
            }

            @Override
            public List<PodPort> allPorts() {
                return table.allPorts();
            }

            @Override
            public int portIndex(int pod, int port, Protocol protocol) {
                return table.portIndex(pod, port, protocol);
            }

            @Override
            public Verdict verdict(int from, int to, int portIndex) {
                return table.verdict(from, to, portIndex);
            }

            @Override
            public void forEachCell(MultiClusterTable.CellSink sink) {
                table.forEachCell((from, to, port, allowed) -> sink.cell(ids[from], ids[to], port, allowed));
            }
        };
    }

    /** The JSON form; cells ordered by source, destination, port number, protocol. */
    public static void json(TruthTable table, Writer out) throws IOException {
        json(of(table), out);
    }

    /** The JSON form of several clusters: pods as {@code cluster/ns/name}, cells in and across clusters. */
    public static void json(MultiClusterTable table, Writer out) throws IOException {
        json((WritableCells) table, out);
    }

    /** The text form of several clusters: pods as {@code cluster/ns/name}, cells in and across clusters. */
    public static void text(MultiClusterTable table, Writer out) throws IOException {
        text((WritableCells) table, out);
    }

    private static void json(WritableCells table, Writer out) throws IOException {
        JsonGenerator json = JSON.createGenerator(out);
        json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        json.setRootValueSeparator(null);
        json.writeRaw("{\"cells\":[");
        boolean[] first = {true};
        try {
            table.forEachCell((from, to, port, allowed) -> {
                try {
                    json.writeRaw(first[0] ? "\n" : ",\n");
                    first[0] = false;
                    json.writeStartObject();
                    json.writeStringField("from", from);
                    json.writeStringField("to", to);
                    json.writeNumberField("port", port.port());
                    json.writeStringField("protocol", port.protocol().spelling());
                    json.writeStringField("verdict", (allowed ? Verdict.ALLOW : Verdict.DENY).spelling());
                    json.writeEndObject();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        json.writeRaw(first[0] ? "]}\n" : "\n]}\n");
        json.flush();
    }

    /**
     * The text form: a legend numbering the pods, then per port a block with a row per source and a
     * column per destination: {@code X} allow, {@code .} deny, {@code -} no cell (the pod itself, or a
     * destination that does not declare the port).
     */
    public static void text(TruthTable table, Writer out) throws IOException {
        text(of(table), out);
    }

    private static void text(WritableCells table, Writer out) throws IOException {
        List<String> pods = table.pods();
        int n = pods.size();
        int width = String.valueOf(Math.max(n, 1)).length();
        int nameWidth = pods.stream().mapToInt(String::length).max().orElse(0);
        out.write("pods (rows: from, columns: to; X allow, . deny, - no cell):\n");
        for (int i = 0; i < n; i++) {
            out.write(pad(String.valueOf(i + 1), width) + "  " + pods.get(i) + "\n");
        }
        String rowHead = " ".repeat(width + 2 + nameWidth);
        for (PodPort port : table.allPorts()) {
            out.write("\n" + port.label() + "\n");
            StringBuilder header = new StringBuilder(rowHead);
            for (int to = 0; to < n; to++) {
                header.append(' ').append(pad(String.valueOf(to + 1), width));
            }
            out.write(header.toString().stripTrailing() + "\n");
            int[] column = new int[n];
            for (int to = 0; to < n; to++) {
                column[to] = table.portIndex(to, port.port(), port.protocol());
            }
            for (int from = 0; from < n; from++) {
                StringBuilder line = new StringBuilder(pad(String.valueOf(from + 1), width)).append("  ")
                        .append(String.format("%-" + Math.max(nameWidth, 1) + "s", pods.get(from)));
                for (int to = 0; to < n; to++) {
                    char mark = '-';
                    if (from != to && column[to] >= 0) {
                        mark = table.verdict(from, to, column[to]) == Verdict.ALLOW ? 'X' : '.';
                    }
                    line.append(' ').append(pad(String.valueOf(mark), width));
                }
                out.write(line.toString().stripTrailing() + "\n");
            }
        }
        out.flush();
    }

    private static String pad(String s, int width) {
        return " ".repeat(Math.max(0, width - s.length())) + s;
    }
}
