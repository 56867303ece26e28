package io.reachproof.cli;

import io.reachproof.cli.remote.CoordinatorClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --coordinator URL [--token T]}: a running coordinator, for the commands that ask one ({@code gate},
 * {@code status}, {@code rollback}).
 */
class CoordinatorTarget {

    @Option(names = "--coordinator", required = true, paramLabel = "URL",
            description = "the coordinator's URL, e.g. http://reachproof-coordinator.reachproof:7070")
    URI coordinator;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:REACHPROOF_TOKEN}",
            description = "bearer token for the coordinator (default: $REACHPROOF_TOKEN)")
    String token;

    /**
     * A client for the coordinator whose requests give up after {@code requestTimeout}; a URL that is not
     * http(s) is a usage error of {@code cmd}.
     */
    CoordinatorClient client(CommandLine cmd, Duration requestTimeout) {
        String scheme = coordinator.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme) || coordinator.getHost() == null) {
            throw new CommandLine.ParameterException(cmd, "--coordinator must be an http:// or https:// URL: "
                    + coordinator);
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(requestTimeout).build();
        return new CoordinatorClient(coordinator, token, http, requestTimeout);
    }
}
