package dev.mailroom.cli;

/** The server answered with an error (or could not be reached): its status, error code and message. */
final class ApiException extends RuntimeException {

    private final int status;
    private final String code;

    ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    /** The CLI's exit code for this answer (see {@link ExitCodes}). */
    int exitCode() {
        return switch (status) {
            case 400, 413 -> ExitCodes.USAGE;
            case 404 -> ExitCodes.NOT_FOUND;
            case 401, 403, 409 -> ExitCodes.REFUSED;
            default -> ExitCodes.FAILURE;
        };
    }
}
