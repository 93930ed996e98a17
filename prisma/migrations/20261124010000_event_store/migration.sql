-- CreateTable
CREATE TABLE "events" (
    "global_position" BIGSERIAL NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "stream_id" TEXT NOT NULL,
    "stream_position" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "schema_version" INTEGER NOT NULL,
    "data" JSONB NOT NULL,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "idempotency_key" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "events_pkey" PRIMARY KEY ("global_position")
);

-- CreateTable
CREATE TABLE "event_streams" (
    "tenant_id" TEXT NOT NULL,
    "stream_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "event_streams_pkey" PRIMARY KEY ("tenant_id","stream_id")
);

-- CreateTable
CREATE TABLE "projection_checkpoints" (
    "name" TEXT NOT NULL,
    "position" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "projection_checkpoints_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "events_tenant_id_global_position_idx" ON "events"("tenant_id", "global_position");

-- CreateIndex
CREATE UNIQUE INDEX "events_tenant_id_idempotency_key_key" ON "events"("tenant_id", "idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "events_tenant_id_stream_id_stream_position_key" ON "events"("tenant_id", "stream_id", "stream_position");


-- ---------------------------------------------------------------------------
-- Hand-written below: what the Prisma schema cannot express.
-- `prisma migrate deploy` runs on the pg driver adapter, which splits a script
-- at every semicolon, quotes and comments included, and runs the pieces
-- outside a transaction. So: no semicolon anywhere but at the end of a
-- statement (comments included), and the function body below spells its
-- semicolons as the E-string escape \073.
-- ---------------------------------------------------------------------------

-- Positions are 1-based. A stream row that exists but holds nothing is version 0.
ALTER TABLE "events" ADD CONSTRAINT "events_stream_position_check" CHECK ("stream_position" >= 1);
ALTER TABLE "events" ADD CONSTRAINT "events_schema_version_check" CHECK ("schema_version" >= 1);
ALTER TABLE "event_streams" ADD CONSTRAINT "event_streams_version_check" CHECK ("version" >= 0);

-- Every append bumps a stream's version: room on each page keeps those updates
-- HOT (no index churn, pruned without waiting for a vacuum).
ALTER TABLE "event_streams" SET (fillfactor = 70);

-- The log is append-only, and the database enforces it rather than a code
-- review. Statement-level, so a statement is refused before it touches a row
-- and even when it matches none: UPDATE, DELETE, MERGE's update and delete
-- actions, and TRUNCATE alike. Only the table owner can disable the trigger,
-- so the application role must not own the table (see the event store README).
CREATE FUNCTION "events_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  RAISE EXCEPTION ''events is append-only: % refused'', TG_OP
    USING HINT = ''Record a compensating event instead of changing history.''\073
END\073
';

CREATE TRIGGER "events_append_only"
  BEFORE UPDATE OR DELETE OR TRUNCATE ON "events"
  FOR EACH STATEMENT EXECUTE FUNCTION "events_refuse_change"();
