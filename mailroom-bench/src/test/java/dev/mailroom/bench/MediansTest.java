package dev.mailroom.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MediansTest {

    private static Map<String, Object> run(long rate, double p50, String library) {
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("p50", p50);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("events_per_second", rate);
        run.put("library", library);
        run.put("commit_to_ack_ms", latency);
        return run;
    }

    @Test
    void takesTheMedianOfEveryNumberIncludingNestedOnes() {
        List<Map<String, Object>> runs = List.of(run(900, 7.5, "a"), run(1200, 2.25, "b"), run(1000, 9.0, "c"));

        Map<String, Object> median = Medians.of(runs);

        assertThat(median.get("events_per_second")).isEqualTo(1000L);
        assertThat(((Map<?, ?>) median.get("commit_to_ack_ms")).get("p50")).isEqualTo(7.5);
        assertThat(median.get("library")).isEqualTo("a");
        assertThat(median.get("runs")).isEqualTo(3);
        assertThat(median.get("per_run")).isEqualTo(runs);
    }

    @Test
    void averagesTheMiddleTwoOfAnEvenNumberOfRuns() {
        Map<String, Object> median = Medians.of(List.of(run(100, 1.0, "a"), run(300, 3.0, "b")));

        assertThat(median.get("events_per_second")).isEqualTo(200L);
        assertThat(((Map<?, ?>) median.get("commit_to_ack_ms")).get("p50")).isEqualTo(2.0);
    }

    @Test
    void aSingleRunIsReportedAsItIs() {
        Map<String, Object> only = run(100, 1.0, "a");

        assertThat(Medians.of(List.of(only))).isSameAs(only).doesNotContainKey("per_run");
    }
}
