package io.reachproof.cli.conformance;

/** The suite could not be set up in a cluster (a namespace exists, a pod does not run, ...); the message says why. */
public final class ConformanceSetupException extends RuntimeException {

    public ConformanceSetupException(String message) {
        super(message);
    }
}
