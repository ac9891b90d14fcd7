package dev.mailroom.server.http;

import dev.mailroom.admin.NoLedgerException;
import dev.mailroom.admin.UnknownMailboxException;
import dev.mailroom.admin.WritesDisabledException;
import dev.mailroom.jdbc.StoreUnavailableException;
import dev.mailroom.jdbc.operator.InvalidFilterException;
import dev.mailroom.ledger.IllegalLedgerTransitionException;
import dev.mailroom.ledger.InvalidLedgerItemException;
import dev.mailroom.ledger.LedgerItemNotFoundException;
import dev.mailroom.ledger.StaleVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request the API (or the dashboard) answers with an error: the status, the spec's error code, a
 * message, and the field at fault (or null).
 */
public final class ApiException extends RuntimeException {

    private static final Logger LOG = LoggerFactory.getLogger(ApiException.class);

    private final int status;
    private final String code;
    private final String field;

    public ApiException(int status, String code, String message, String field) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    public static ApiException badRequest(String field, String message) {
        return new ApiException(400, "bad_request", message, field);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message, null);
    }

    /**
     * What a failure of {@code method path} answers, by the spec's error codes: the exceptions of
     * the admin operations mapped to 400, 403, 404, 409 and 503; anything else is logged here and
     * answered 500 {@code internal} without its details.
     */
    public static ApiException of(RuntimeException e, String method, String path) {
        if (e instanceof ApiException api) {
            return api;
        }
        if (e instanceof InvalidFilterException invalid) {
            return badRequest(Filters.apiName(invalid.field()), invalid.getMessage());
        }
        if (e instanceof InvalidLedgerItemException invalid) {
            String field = switch (invalid.problem()) {
                case BLANK_ACTOR -> "operator";
                case BLANK_NOTES, NOTES_TOO_LONG, NUL_CHARACTER -> "reason";
                default -> null;
            };
            return badRequest(field, invalid.getMessage());
        }
        if (e instanceof WritesDisabledException) {
            return new ApiException(403, "read_only", e.getMessage(), null);
        }
        if (e instanceof UnknownMailboxException || e instanceof NoLedgerException
                || e instanceof LedgerItemNotFoundException) {
            return notFound(e.getMessage());
        }
        if (e instanceof StaleVersionException || e instanceof IllegalLedgerTransitionException) {
            return new ApiException(409, "conflict", e.getMessage(), null);
        }
        if (e instanceof StoreUnavailableException) {
            LOG.warn("{} {}: the database is unavailable: {}", method, path, e.getMessage());
            return new ApiException(503, "unavailable", "the database is unavailable; try again", null);
        }
        LOG.error("{} {} failed", method, path, e);
        return new ApiException(500, "internal", "the server failed to answer; see its log", null);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }
}
