package io.reachproof.policy;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The syntax rules the Kubernetes API server applies to names and labels (apimachinery's
 * {@code IsQualifiedName}, {@code IsValidLabelValue}, {@code IsDNS1123Subdomain}, {@code IsDNS1123Label}), so an
 * object the cluster would reject is rejected here too. Each check returns what is wrong, or empty.
 */
final class KubernetesSyntax {

    private static final int NAME_MAX = 63;
    private static final int SUBDOMAIN_MAX = 253;
    private static final Pattern NAME_PART = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    /** IANA service name, what Kubernetes accepts as a named port. */
    private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile(DNS_LABEL + "(\\." + DNS_LABEL + ")*");

    private KubernetesSyntax() {
    }

    /** A label key (or selector key): {@code [PREFIX/]NAME}, PREFIX a DNS subdomain, NAME at most 63 characters. */
    static Optional<String> labelKey(String key) {
        if (key == null || key.isEmpty()) {
            return Optional.of("a label key must not be empty");
        }
        String name = key;
        int slash = key.indexOf('/');
        if (slash >= 0) {
            if (key.indexOf('/', slash + 1) >= 0) {
                return Optional.of(invalidKey(key, "a label key has at most one '/'"));
            }
            String prefix = key.substring(0, slash);
            name = key.substring(slash + 1);
            if (prefix.isEmpty()) {
                return Optional.of(invalidKey(key, "the prefix before '/' must not be empty"));
            }
            if (prefix.length() > SUBDOMAIN_MAX) {
                return Optional.of(invalidKey(key, "the prefix must be at most " + SUBDOMAIN_MAX + " characters"));
            }
            if (!DNS_SUBDOMAIN.matcher(prefix).matches()) {
                return Optional.of(invalidKey(key, "the prefix must be a DNS subdomain (lower-case letters, digits,"
                        + " '-' and '.', starting and ending with a letter or digit)"));
            }
        }
        if (name.isEmpty()) {
            return Optional.of(invalidKey(key, "the name part must not be empty"));
        }
        if (name.length() > NAME_MAX) {
            return Optional.of(invalidKey(key, "the name part must be at most " + NAME_MAX + " characters"));
        }
        if (!NAME_PART.matcher(name).matches()) {
            return Optional.of(invalidKey(key, "the name part must consist of letters, digits, '-', '_' or '.',"
                    + " starting and ending with a letter or digit"));
        }
        return Optional.empty();
    }

    /** A label value: empty, or at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit. */
    static Optional<String> labelValue(String value) {
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        if (value.length() > NAME_MAX || !NAME_PART.matcher(value).matches()) {
            return Optional.of("invalid label value " + quote(value) + ": at most " + NAME_MAX
                    + " letters, digits, '-', '_' or '.', starting and ending with a letter or digit (or empty)");
        }
        return Optional.empty();
    }

    /** An object name that must be a DNS subdomain (NetworkPolicy, Pod). */
    static Optional<String> subdomainName(String name) {
        if (name.length() > SUBDOMAIN_MAX || !DNS_SUBDOMAIN.matcher(name).matches()) {
            return Optional.of("invalid name " + quote(name) + ": at most " + SUBDOMAIN_MAX
                    + " lower-case letters, digits, '-' and '.', starting and ending with a letter or digit");
        }
        return Optional.empty();
    }

    /** An object name that must be a DNS label (Namespace). */
    static Optional<String> labelName(String name) {
        if (name.length() > NAME_MAX || !DNS_LABEL.matcher(name).matches()) {
            return Optional.of("invalid name " + quote(name) + ": at most " + NAME_MAX
                    + " lower-case letters, digits and '-', starting and ending with a letter or digit");
        }
        return Optional.empty();
    }

    /** A port name (IANA service name): at most 15 lower-case letters, digits and '-', with a letter, no "--". */
    static Optional<String> portName(String name) {
        if (!PORT_NAME.matcher(name).matches() || name.contains("--") || name.chars().noneMatch(Character::isLetter)) {
            return Optional.of("invalid named port " + quote(name)
                    + " (at most 15 lower-case letters, digits and '-', with at least one letter)");
        }
        return Optional.empty();
    }

    private static String invalidKey(String key, String why) {
        return "invalid label key " + quote(key) + ": " + why;
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }
}
