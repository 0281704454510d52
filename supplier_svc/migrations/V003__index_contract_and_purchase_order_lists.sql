-- Sort keys of ListContracts and ListPurchaseOrders, so that every keyset page
-- is one index range. Orders without a promised delivery date sort first.
ALTER TABLE contracts
  ADD KEY contracts_by_end_date (end_date, id),
  ADD KEY contracts_by_start_date (start_date, id),
  ADD KEY contracts_by_create_time (create_time, id);

ALTER TABLE purchase_orders
  ADD COLUMN promised_date_sort DATE
    AS (IFNULL(promised_delivery_date, DATE '1000-01-01')) PERSISTENT,
  ADD KEY purchase_orders_by_promised_date (promised_date_sort, id),
  ADD KEY purchase_orders_by_total (total_minor, id);
