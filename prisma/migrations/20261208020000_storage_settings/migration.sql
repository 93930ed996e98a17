-- Storage settings for the tables the pipeline updates or deletes on every event
-- (docs/database.md, "Vacuum and bloat"). Reloptions only: no rewrite, no lock
-- beyond a brief SHARE UPDATE EXCLUSIVE, and new pages follow the fillfactor.

-- Rows updated in place on every event, with no indexed column changed: a
-- fillfactor below 100 leaves room on the page for the new version, so the
-- update is HOT (no index entry) and the old version is pruned the next time
-- the page is read, with or without VACUUM.
ALTER TABLE "event_streams" SET (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000);
ALTER TABLE "projection_checkpoints" SET (fillfactor = 50, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 200);
ALTER TABLE "inbound_conversations" SET (fillfactor = 80);
ALTER TABLE "inbound_contacts" SET (fillfactor = 80);
ALTER TABLE "fallback_message" SET (fillfactor = 80);
ALTER TABLE "waba_health" SET (fillfactor = 80);

-- Updated on every status (indexed columns change, so not HOT): vacuumed sooner than the 20% default.
ALTER TABLE "message_status" SET (autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_threshold = 1000);

-- Queues: a row is inserted, leased, updated and (the outbox) deleted within
-- seconds, and their live size is small and steady: a fixed threshold.
ALTER TABLE "outbox" SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000, autovacuum_vacuum_cost_delay = 0);
ALTER TABLE "fallback_sms" SET (fillfactor = 80, autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_threshold = 1000);
ALTER TABLE "inbound_media" SET (fillfactor = 80, autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_threshold = 1000);
ALTER TABLE "alert_deliveries" SET (fillfactor = 80, autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_threshold = 1000);
