package io.reachproof.agent;

import static java.util.Objects.requireNonNull;

import io.netty.util.NetUtil;
import io.reachproof.agent.wire.IdentityWire;
import io.reachproof.protocol.AgentIdentity;
import io.reachproof.protocol.Responder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The agent's configuration, read once at start from the environment (in Kubernetes, the Downward API sets
 * {@code POD_NAME}, {@code POD_NAMESPACE}, {@code NODE_NAME}, {@code POD_IP}, and a {@code labels} file in a
 * Downward API volume named by {@code REACHPROOF_POD_LABELS_FILE}) or from the command line's flags, which
 * {@code reachproof agent} lays over the same keys. Invalid values raise {@link IllegalArgumentException}
 * naming the key and its flag.
 *
 * <p>Labels are what expectation groups select agents by: pod labels from {@code REACHPROOF_POD_LABELS}
 * ({@code k=v,k=v}) laid over the Downward API file; namespace labels from
 * {@code REACHPROOF_NAMESPACE_LABELS} plus the implicit {@code kubernetes.io/metadata.name} that Kubernetes
 * sets on every namespace.
 *
 * @param identity who the agent is (with its responders)
 * @param bindAddress the IP address the responders listen on
 */
public record AgentConfig(AgentIdentity identity, String bindAddress) {

    /** The keys, each with the flag that sets it on {@code reachproof agent}. */
    public enum Key {
        AGENT_ID("REACHPROOF_AGENT_ID", "--id"),
        CLUSTER("REACHPROOF_CLUSTER", "--cluster"),
        CLOUD("REACHPROOF_CLOUD", "--cloud"),
        REGION("REACHPROOF_REGION", "--region"),
        NODE("NODE_NAME", "--node"),
        NAMESPACE("POD_NAMESPACE", "--namespace"),
        POD("POD_NAME", "--pod"),
        POD_IP("POD_IP", "--pod-ip"),
        BIND("REACHPROOF_BIND", "--bind"),
        RESPONDERS("REACHPROOF_RESPONDERS", "--responders"),
        POD_LABELS("REACHPROOF_POD_LABELS", "--pod-labels"),
        POD_LABELS_FILE("REACHPROOF_POD_LABELS_FILE", "--pod-labels-file"),
        NAMESPACE_LABELS("REACHPROOF_NAMESPACE_LABELS", "--namespace-labels");

        private final String env;
        private final String flag;

        Key(String env, String flag) {
            this.env = env;
            this.flag = flag;
        }

        public String env() {
            return env;
        }

        public String flag() {
            return flag;
        }

        String describe() {
            return env + " (" + flag + ")";
        }
    }

    public static final String DEFAULT_BIND = "0.0.0.0";
    /** The label Kubernetes puts on every namespace, naming it. */
    public static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
    public static final String DEFAULT_RESPONDERS = "7001/TCP,7002/UDP,7003/HTTP";
    private static final List<String> PROTOCOLS = List.of("TCP", "UDP", "HTTP");

    public AgentConfig {
        requireNonNull(identity, "identity");
        requireNonNull(bindAddress, "bindAddress");
    }

    /**
     * Reads the configuration from environment-style keys. The agent id defaults to
     * {@code POD_NAMESPACE/POD_NAME} when both are set.
     */
    public static AgentConfig fromEnv(Map<String, String> env) {
        requireNonNull(env, "env");
        String namespace = optional(env, Key.NAMESPACE);
        String pod = optional(env, Key.POD);
        String id = optional(env, Key.AGENT_ID);
        if (id.isEmpty() && !namespace.isEmpty() && !pod.isEmpty()) {
            id = namespace + "/" + pod;
        }
        if (id.isEmpty()) {
            throw new IllegalArgumentException(Key.AGENT_ID.describe() + " is required (or POD_NAMESPACE and POD_NAME)");
        }
        try {
            IdentityWire.checkAgentId(id);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(Key.AGENT_ID.describe() + ": " + e.getMessage(), e);
        }
        String cluster = required(env, Key.CLUSTER);
        String cloud = required(env, Key.CLOUD);
        String podIp = optional(env, Key.POD_IP);
        if (!podIp.isEmpty() && !NetUtil.isValidIpV4Address(podIp) && !NetUtil.isValidIpV6Address(podIp)) {
            throw new IllegalArgumentException(Key.POD_IP.describe() + " must be an IP address: '" + podIp + "'");
        }
        String bind = optional(env, Key.BIND);
        bind = bind.isEmpty() ? DEFAULT_BIND : bind;
        if (!NetUtil.isValidIpV4Address(bind) && !NetUtil.isValidIpV6Address(bind)) {
            throw new IllegalArgumentException(Key.BIND.describe() + " must be an IP address: '" + bind + "'");
        }
        String responders = optional(env, Key.RESPONDERS);
        List<Responder> parsed = parseResponders(responders.isEmpty() ? DEFAULT_RESPONDERS : responders);
        AgentIdentity identity = new AgentIdentity(id, cluster, cloud, optional(env, Key.REGION), optional(env, Key.NODE),
                namespace, pod, podIp.isEmpty() ? List.of() : List.of(podIp), podLabels(env),
                namespaceLabels(env, namespace), parsed,
                Set.of("tcp", "udp", "http"));
        return new AgentConfig(identity, bind);
    }

    /** Parses {@code 7001/TCP,7002/UDP,7003/HTTP}; errors name the key and the bad item. */
    public static List<Responder> parseResponders(String spec) {
        List<Responder> responders = new ArrayList<>();
        Set<String> sockets = new HashSet<>();
        for (String item : spec.split(",", -1)) {
            String s = item.trim();
            int slash = s.indexOf('/');
            String protocol = slash < 0 ? "" : s.substring(slash + 1).toUpperCase(Locale.ROOT);
            int port;
            try {
                port = slash < 0 ? -1 : Integer.parseInt(s.substring(0, slash));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535 || !PROTOCOLS.contains(protocol)) {
                throw new IllegalArgumentException(Key.RESPONDERS.describe() + ": bad responder '" + s
                        + "': expected PORT/PROTOCOL with PORT in 1..65535 and PROTOCOL one of TCP, UDP, HTTP");
            }
            String socket = port + ("UDP".equals(protocol) ? "/udp" : "/tcp");
            if (!sockets.add(socket)) {
                throw new IllegalArgumentException(Key.RESPONDERS.describe() + ": port " + port + " is used twice ('" + s + "')");
            }
            responders.add(new Responder(port, protocol));
        }
        return List.copyOf(responders);
    }

    private static Map<String, String> podLabels(Map<String, String> env) {
        Map<String, String> labels = new LinkedHashMap<>();
        String file = optional(env, Key.POD_LABELS_FILE);
        if (!file.isEmpty()) {
            String content;
            try {
                content = Files.readString(Path.of(file), StandardCharsets.UTF_8);
            } catch (IOException | InvalidPathException e) {
                throw new IllegalArgumentException(Key.POD_LABELS_FILE.describe() + ": cannot read '" + file + "': " + e, e);
            }
            labels.putAll(parseDownwardApiLabels(content, Key.POD_LABELS_FILE.describe() + " " + file));
        }
        labels.putAll(parseLabelList(optional(env, Key.POD_LABELS), Key.POD_LABELS));
        return labels;
    }

    private static Map<String, String> namespaceLabels(Map<String, String> env, String namespace) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (!namespace.isEmpty()) {
            labels.put(NAMESPACE_NAME_LABEL, namespace);
        }
        labels.putAll(parseLabelList(optional(env, Key.NAMESPACE_LABELS), Key.NAMESPACE_LABELS));
        return labels;
    }

    /** Parses {@code k=v,k=v} (empty = none); errors name the key and the bad item. */
    static Map<String, String> parseLabelList(String spec, Key key) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (spec.isEmpty()) {
            return labels;
        }
        for (String item : spec.split(",", -1)) {
            String s = item.trim();
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(key.describe() + ": bad label '" + s + "': expected KEY=VALUE");
            }
            labels.put(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
        }
        return labels;
    }

    /**
     * Parses a Downward API {@code metadata.labels} file: one {@code key="value"} line per label, the value
     * quoted and escaped as a Go string literal.
     */
    static Map<String, String> parseDownwardApiLabels(String content, String source) {
        Map<String, String> labels = new LinkedHashMap<>();
        int lineNo = 0;
        for (String line : content.split("\n", -1)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            int eq = line.indexOf('=');
            String value = eq < 0 ? "" : line.substring(eq + 1).trim();
            if (eq <= 0 || value.length() < 2 || value.charAt(0) != '"' || value.charAt(value.length() - 1) != '"') {
                throw new IllegalArgumentException(source + ":" + lineNo + ": expected key=\"value\", got '" + line + "'");
            }
            labels.put(line.substring(0, eq).trim(), unquote(value.substring(1, value.length() - 1)));
        }
        return labels;
    }

    private static String unquote(String quoted) {
        StringBuilder out = new StringBuilder(quoted.length());
        for (int i = 0; i < quoted.length(); i++) {
            char c = quoted.charAt(i);
            if (c == '\\' && i + 1 < quoted.length()) {
                c = quoted.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }

    /** The keys of {@code env} that this configuration reads, for logging what was used. */
    public static Map<String, String> relevant(Map<String, String> env) {
        Map<String, String> used = new LinkedHashMap<>();
        for (Key k : Key.values()) {
            if (env.containsKey(k.env())) {
                used.put(k.env(), env.get(k.env()));
            }
        }
        return used;
    }

    private static String optional(Map<String, String> env, Key key) {
        String v = env.get(key.env());
        return v == null ? "" : v.trim();
    }

    private static String required(Map<String, String> env, Key key) {
        String v = optional(env, key);
        if (v.isEmpty()) {
            throw new IllegalArgumentException(key.describe() + " is required");
        }
        return v;
    }
}
