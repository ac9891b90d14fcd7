package dev.mailroom.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Field-by-field medians of repeated runs of one scenario (nested maps too); text fields come from the first run. */
final class Medians {

    private Medians() {
    }

    static Map<String, Object> of(List<Map<String, Object>> runs) {
        if (runs.size() == 1) {
            return runs.get(0);
        }
        Map<String, Object> median = merge(runs);
        median.put("runs", runs.size());
        median.put("per_run", runs);
        return median;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> merge(List<Map<String, Object>> runs) {
        Map<String, Object> merged = new LinkedHashMap<>();
        for (String key : runs.get(0).keySet()) {
            List<Object> values = new ArrayList<>();
            runs.forEach(run -> values.add(run.get(key)));
            if (values.stream().allMatch(v -> v instanceof Number)) {
                merged.put(key, median(values));
            } else if (values.stream().allMatch(v -> v instanceof Map)) {
                List<Map<String, Object>> inner = new ArrayList<>();
                values.forEach(v -> inner.add((Map<String, Object>) v));
                merged.put(key, merge(inner));
            } else {
                merged.put(key, values.get(0));
            }
        }
        return merged;
    }

    private static Object median(List<Object> values) {
        boolean integral = values.stream().allMatch(v -> v instanceof Long || v instanceof Integer);
        double[] sorted = values.stream().mapToDouble(v -> ((Number) v).doubleValue()).sorted().toArray();
        int middle = sorted.length / 2;
        double median = sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return integral ? (Object) Math.round(median) : (Object) Ceilings.round(median);
    }
}
