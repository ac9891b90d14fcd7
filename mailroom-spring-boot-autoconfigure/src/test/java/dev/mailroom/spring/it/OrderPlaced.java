package dev.mailroom.spring.it;

import java.math.BigDecimal;

/** The payload of {@code order.placed} in the integration tests. */
public record OrderPlaced(String orderId, BigDecimal total) {
}
