import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

/**
 * Runs a single in-process Neo4j (community, via neo4j-harness) for local development and tests.
 * Started by scripts/neo4j-local; not meant to be run by hand.
 *
 * Arguments (all required unless noted):
 *   --data DIR        absolute data directory (kept across restarts)
 *   --logs DIR        absolute logs directory (debug.log etc.)
 *   --work DIR        harness working directory; it creates a random home folder inside and deletes it on close
 *   --host HOST       Bolt listen host (default 127.0.0.1)
 *   --port N          Bolt listen port, 0 = any free port (default 0)
 *   --pagecache BYTES page cache size (default 512 MiB)
 *
 * Prints "NEO4J_LOCAL_READY bolt://HOST:PORT" on stdout once Bolt accepts connections, then blocks
 * until the JVM is asked to stop (SIGTERM/SIGINT); a shutdown hook closes Neo4j cleanly.
 */
public final class Launcher {
    private static final String READY = "NEO4J_LOCAL_READY ";

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        Path data = Path.of(require(opts, "--data")).toAbsolutePath();
        Path logs = Path.of(require(opts, "--logs")).toAbsolutePath();
        Path work = Path.of(require(opts, "--work")).toAbsolutePath();
        String host = opts.getOrDefault("--host", "127.0.0.1");
        int port = Integer.parseInt(opts.getOrDefault("--port", "0"));
        long pageCache = Long.parseLong(opts.getOrDefault("--pagecache", String.valueOf(512L * 1024 * 1024)));

        Files.createDirectories(data);
        Files.createDirectories(logs);
        Files.createDirectories(work);

        long t0 = System.nanoTime();
        log("starting Neo4j (data=" + data + ", pagecache=" + pageCache + " bytes, java " + Runtime.version() + ")");

        final Neo4j neo4j;
        try {
            // newInProcessBuilder(dir) applies the harness defaults (auth off, 8 MiB page cache, HTTP on,
            // ports 0) in its constructor, so every withConfig below overrides them.
            neo4j = Neo4jBuilders.newInProcessBuilder(work)
                    .withDisabledServer() // HTTP/HTTPS off; Bolt stays on
                    .withConfig(GraphDatabaseSettings.auth_enabled, false)
                    .withConfig(GraphDatabaseSettings.data_directory, data)
                    .withConfig(GraphDatabaseSettings.logs_directory, logs)
                    .withConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                    .withConfig(GraphDatabaseSettings.preallocate_logical_logs, false) // else 256 MiB per tx log
                    .withConfig(GraphDatabaseSettings.udc_enabled, false) // no usage-data reporting
                    .withConfig(BoltConnector.enabled, true)
                    .withConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                    .withConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                    // Bolt's netty shutdown otherwise waits a quiet period (~10 s in total) on every stop.
                    .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                    .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, java.time.Duration.ofSeconds(5))
                    .build();
        } catch (Throwable e) {
            log("FAILED to start Neo4j: " + e);
            e.printStackTrace(System.out);
            dumpHarnessLogs(work);
            System.out.flush();
            System.exit(2);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log("stopping Neo4j");
            try {
                neo4j.close();
                log("stopped");
            } catch (Throwable e) {
                log("error while stopping Neo4j: " + e);
                e.printStackTrace(System.out);
            } finally {
                System.out.flush();
                stopped.countDown();
            }
        }, "neo4j-local-shutdown"));

        int boundPort = neo4j.boltURI().getPort();
        String uri = "bolt://" + host + ":" + boundPort;
        log(String.format("started in %.1f s", (System.nanoTime() - t0) / 1e9));
        System.out.println(READY + uri);
        System.out.flush();

        stopped.await(); // only returns while the JVM is already shutting down
    }

    private static void dumpHarnessLogs(Path work) {
        try (Stream<Path> files = Files.walk(work, 3)) {
            files.filter(p -> p.getFileName().toString().endsWith(".log")).forEach(p -> {
                System.out.println("----- " + p + " -----");
                try {
                    System.out.println(Files.readString(p, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    System.out.println("(unreadable: " + e + ")");
                }
            });
        } catch (IOException e) {
            System.out.println("(could not list " + work + ": " + e + ")");
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("bad argument: " + args[i]);
            }
            opts.put(args[i], args[++i]);
        }
        return opts;
    }

    private static String require(Map<String, String> opts, String key) {
        String v = opts.get(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("missing " + key);
        }
        return v;
    }

    private static void log(String msg) {
        System.out.println("[neo4j-local] " + java.time.Instant.now() + " " + msg);
    }
}
