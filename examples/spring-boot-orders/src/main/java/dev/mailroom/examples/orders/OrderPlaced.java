package dev.mailroom.examples.orders;

import java.math.BigDecimal;

/** The {@code order.placed} event's payload, written and read as JSON with the application's mapper. */
public record OrderPlaced(String orderId, String customer, BigDecimal total) {
}
