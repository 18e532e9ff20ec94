-- Finishing a delivery moves its entry in this index from "pending" to its outcome. Keyed by id
-- rather than by session, those moves land on the last pages of each part, not all over the
-- index, which made recording an attempt several times dearer than storing it.
DROP INDEX webhook_deliveries_by_outcome;
CREATE INDEX webhook_deliveries_by_outcome ON webhook_deliveries (outcome, id);
