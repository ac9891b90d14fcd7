package dev.mailroom.server.http;

/** A request the API answers with an error: the status, the spec's error code, a message, and the field at fault (or null). */
final class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final String field;

    ApiException(int status, String code, String message, String field) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    static ApiException badRequest(String field, String message) {
        return new ApiException(400, "bad_request", message, field);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message, null);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    String field() {
        return field;
    }
}
