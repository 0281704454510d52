-- purchase_orders_scorecard_delivery starts with the same (supplier_id,
-- status) as purchase_orders_by_supplier, so it serves every lookup of a
-- supplier's orders (and the supplier foreign key) as well. Keeping both made
-- every order written, and every order a consolidation moves, update one more
-- index for nothing.
ALTER TABLE purchase_orders DROP KEY purchase_orders_by_supplier;
