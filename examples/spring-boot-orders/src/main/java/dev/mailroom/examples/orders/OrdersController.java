package dev.mailroom.examples.orders;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /orders?customer=ada&total=12.50} places an order; {@code GET /notifications} lists what was sent. */
@RestController
public class OrdersController {

    private final OrderService orders;
    private final JdbcTemplate jdbc;

    public OrdersController(OrderService orders, JdbcTemplate jdbc) {
        this.orders = orders;
        this.jdbc = jdbc;
    }

    @PostMapping("/orders")
    public Map<String, String> place(@RequestParam String customer, @RequestParam BigDecimal total) {
        return Map.of("orderId", orders.place(customer, total));
    }

    @GetMapping("/notifications")
    public List<Map<String, Object>> notifications() {
        return jdbc.queryForList("SELECT order_id, message FROM notifications ORDER BY order_id");
    }
}
