package io.reachproof.cli;

/** Output formats of {@code check} and {@code diff}. */
enum ReportFormat { text, json, markdown, junit }
