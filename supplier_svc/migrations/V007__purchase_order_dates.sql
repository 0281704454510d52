-- The day an order was placed, which may be earlier than the day it was
-- entered (orders taken over from another system). Scorecard periods and
-- consolidation volumes count orders by it, so it replaces create_time in
-- the covering index of the scorecard's spend sums; orders entered before
-- this migration were placed the day they were created.
ALTER TABLE purchase_orders ADD COLUMN order_date DATE NULL AFTER contract_id;
UPDATE purchase_orders SET order_date = DATE(create_time);
ALTER TABLE purchase_orders
  MODIFY order_date DATE NOT NULL,
  DROP KEY purchase_orders_scorecard_spend,
  ADD KEY purchase_orders_scorecard_spend (supplier_id, order_date, status, total_currency,
    total_minor),
  ADD KEY purchase_orders_by_order_date (order_date, id);
