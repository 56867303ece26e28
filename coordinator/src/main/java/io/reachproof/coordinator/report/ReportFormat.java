package io.reachproof.coordinator.report;

import java.util.Locale;

/** How a proof report is written: one self-contained HTML file, Markdown, or the JSON contract. */
public enum ReportFormat {
    HTML("text/html; charset=utf-8"),
    MARKDOWN("text/markdown; charset=utf-8"),
    JSON("application/json");

    private final String contentType;

    ReportFormat(String contentType) {
        this.contentType = contentType;
    }

    public String contentType() {
        return contentType;
    }

    /** {@code html}, {@code markdown} or {@code json}; anything else names the choices. */
    public static ReportFormat parse(String text) {
        for (ReportFormat f : values()) {
            if (f.name().toLowerCase(Locale.ROOT).equals(text)) {
                return f;
            }
        }
        throw new IllegalArgumentException("format must be html, markdown or json, not " + text);
    }
}
