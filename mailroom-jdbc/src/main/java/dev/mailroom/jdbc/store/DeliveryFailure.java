package dev.mailroom.jdbc.store;

import java.util.Objects;

/** A failed delivery attempt of a claimed row, and why it failed. */
public record DeliveryFailure(OutboxRow row, String error) {

    public DeliveryFailure {
        Objects.requireNonNull(row, "row");
        error = error == null ? "unknown error" : error;
    }

    public static DeliveryFailure of(OutboxRow row, Throwable cause) {
        String message = cause.getMessage();
        return new DeliveryFailure(row, cause.getClass().getName() + (message == null ? "" : ": " + message));
    }
}
