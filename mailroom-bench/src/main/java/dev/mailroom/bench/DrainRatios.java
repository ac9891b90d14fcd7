package dev.mailroom.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The main backlog drains (1 and 2 relays, each claim mode) as shares of one ceiling measured in the same run. */
final class DrainRatios {

    static final List<String> DRAINS = List.of("drain", "drain_lease_mode", "drain_partition_leases",
            "drain_delete_published", "drain_two_relays", "drain_two_relays_lease_mode", "drain_two_relays_partition_leases");

    private DrainRatios() {
    }

    /** Drain events/s over the ceiling's {@code figure}; empty when that ceiling did not run. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> toCeiling(Map<String, Object> result, String ceiling, String figure) {
        Map<String, Object> ratios = new LinkedHashMap<>();
        Map<String, Object> ceilings = (Map<String, Object>) result.get("ceilings");
        Map<String, Object> measured = ceilings == null ? null : (Map<String, Object>) ceilings.get(ceiling);
        if (measured == null) {
            return ratios;
        }
        double limit = ((Number) measured.get(figure)).doubleValue();
        for (String drain : DRAINS) {
            Map<String, Object> figures = (Map<String, Object>) result.get(drain);
            if (figures != null && limit > 0) {
                ratios.put(drain, Ceilings.round(((Number) figures.get("events_per_second")).doubleValue() / limit));
            }
        }
        return ratios;
    }
}
