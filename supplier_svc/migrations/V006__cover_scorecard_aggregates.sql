-- The scorecard sums a category's purchase orders per supplier (delivered
-- ones for quality, delivery and service; all but cancelled ones for spend).
-- These indexes hold every column those sums read, so each supplier's orders
-- are one contiguous index range instead of one row lookup per order: the
-- cost of a plan then grows with the orders, not faster.
ALTER TABLE purchase_orders
  ADD KEY purchase_orders_scorecard_delivery (supplier_id, status, actual_delivery_date,
    accepted_quantity, defective_quantity, on_time_delivery, service_rating),
  ADD KEY purchase_orders_scorecard_spend (supplier_id, create_time, status, total_currency,
    total_minor);
