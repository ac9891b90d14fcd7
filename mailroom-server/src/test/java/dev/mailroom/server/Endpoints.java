package dev.mailroom.server;

import java.util.List;

/** Every route of docs/admin-api.md but liveness, with sample values: each must refuse a request without the token. */
final class Endpoints {

    static final List<String[]> ALL = List.of(
            get("/health/ready"), get("/metrics"),
            get("/api/v1/services"), get("/api/v1/services/orders"), get("/api/v1/inboxes"),
            get("/api/v1/inboxes/notifications"), get("/api/v1/relays"),
            get("/api/v1/services/orders/messages"), get("/api/v1/services/orders/messages/1"),
            get("/api/v1/inboxes/notifications/messages"), get("/api/v1/services/orders/held-keys"),
            post("/api/v1/services/orders/dead/replay"), post("/api/v1/services/orders/dead/discard"),
            post("/api/v1/inboxes/notifications/dead/replay"), post("/api/v1/services/orders/held-keys/skip"),
            post("/api/v1/services/orders/held-keys/retry"),
            get("/api/v1/ledger/items"), get("/api/v1/ledger/items/1"),
            post("/api/v1/ledger/items/1/resolve"), post("/api/v1/ledger/items/1/abandon"),
            post("/api/v1/ledger/items/1/retry"), get("/api/v1/audit"), get("/api/v1/no-such-route"));

    /** The writes: each must answer 403 while writes are disabled. */
    static final List<String> WRITES = List.of("/api/v1/services/orders/dead/replay",
            "/api/v1/services/orders/dead/discard", "/api/v1/services/orders/held-keys/skip",
            "/api/v1/services/orders/held-keys/retry");

    static final List<String> LEDGER_WRITES = List.of("/api/v1/ledger/items/1/resolve",
            "/api/v1/ledger/items/1/abandon", "/api/v1/ledger/items/1/retry");

    private Endpoints() {
    }

    private static String[] get(String path) {
        return new String[] {"GET", path};
    }

    private static String[] post(String path) {
        return new String[] {"POST", path};
    }
}
