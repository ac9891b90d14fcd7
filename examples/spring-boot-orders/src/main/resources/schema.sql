CREATE SCHEMA IF NOT EXISTS orders_example;
CREATE TABLE IF NOT EXISTS orders_example.orders (order_id TEXT PRIMARY KEY, customer TEXT NOT NULL, total NUMERIC(12, 2) NOT NULL);
CREATE TABLE IF NOT EXISTS orders_example.notifications (event_id UUID PRIMARY KEY, order_id TEXT NOT NULL, message TEXT NOT NULL);
