-- The bus event a delivery carries (a duplicate carries the same one), and the fault injected
-- into it, if any: "delayed 30 s by rule-1", "duplicated by rule-2", "reordered by rule-3".
ALTER TABLE webhook_deliveries ADD COLUMN event_id INTEGER;
ALTER TABLE webhook_deliveries ADD COLUMN injected TEXT;
