package dev.mailroom.bench;

import dev.mailroom.bench.jmh.HotPathBenchmarks;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs the JMH microbenchmarks (one fork, short iterations) and returns ns/op with JMH's error bound. */
final class Microbenchmarks {

    private Microbenchmarks() {
    }

    static Map<String, Object> run() throws Exception {
        exposeClassPathToForks();
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(HotPathBenchmarks.class.getName())
                .forks(1)
                .warmupIterations(3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(5).measurementTime(TimeValue.seconds(1))
                .shouldFailOnError(true)
                .build()).run();
        Map<String, Object> out = new LinkedHashMap<>();
        for (RunResult result : results) {
            String name = result.getParams().getBenchmark();
            Map<String, Object> figure = new LinkedHashMap<>();
            figure.put("ns_per_op", Ceilings.round(result.getPrimaryResult().getScore()));
            figure.put("error_ns_99_9", Ceilings.round(result.getPrimaryResult().getScoreError()));
            out.put(name.substring(name.lastIndexOf('.') + 1), figure);
        }
        out.put("settings", "JMH " + org.openjdk.jmh.util.Utils.class.getPackage().getImplementationVersion()
                + ", 1 fork, 3 x 1 s warm-up, 5 x 1 s measurement, average time");
        return out;
    }

    /**
     * JMH forks a JVM with {@code java.class.path}; under {@code exec:java} that is Maven's launcher,
     * so it is set to the class loader's URLs first.
     */
    private static void exposeClassPathToForks() throws Exception {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader instanceof URLClassLoader urls && urls.getURLs().length > 0) {
            StringJoiner path = new StringJoiner(File.pathSeparator);
            for (URL url : urls.getURLs()) {
                path.add(new File(url.toURI()).getPath());
            }
            System.setProperty("java.class.path", path.toString());
        }
    }
}
