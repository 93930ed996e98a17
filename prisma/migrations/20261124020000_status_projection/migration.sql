-- CreateTable
CREATE TABLE "message_status" (
    "tenant_id" TEXT NOT NULL,
    "wamid" TEXT NOT NULL,
    "internal_message_id" TEXT,
    "phone_number_id" TEXT,
    "current_status" TEXT,
    "recipient" TEXT,
    "template_name" TEXT,
    "template_language" TEXT,
    "accepted_at" TIMESTAMPTZ(3),
    "sent_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "read_at" TIMESTAMPTZ(3),
    "played_at" TIMESTAMPTZ(3),
    "failed_at" TIMESTAMPTZ(3),
    "first_seen_at" TIMESTAMPTZ(3),
    "last_event_at" TIMESTAMPTZ(3),
    "error_codes" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "pricing_category" TEXT,
    "pricing_type" TEXT,
    "anomaly_count" INTEGER NOT NULL DEFAULT 0,
    "stalled_reason" TEXT,
    "state" JSONB NOT NULL,
    "stalls" JSONB NOT NULL DEFAULT '[]',
    "last_position" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "message_status_pkey" PRIMARY KEY ("tenant_id","wamid")
);

-- CreateTable
CREATE TABLE "outbox" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "headers" JSONB NOT NULL DEFAULT '{}',
    "idempotency_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "message_status_tenant_id_internal_message_id_idx" ON "message_status"("tenant_id", "internal_message_id");

-- CreateIndex
CREATE INDEX "message_status_tenant_id_first_seen_at_wamid_idx" ON "message_status"("tenant_id", "first_seen_at" DESC, "wamid" DESC);

-- CreateIndex
CREATE INDEX "message_status_tenant_id_current_status_first_seen_at_idx" ON "message_status"("tenant_id", "current_status", "first_seen_at" DESC);

-- CreateIndex
CREATE INDEX "message_status_tenant_id_recipient_idx" ON "message_status"("tenant_id", "recipient");

-- CreateIndex
CREATE INDEX "message_status_current_status_last_event_at_idx" ON "message_status"("current_status", "last_event_at");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_tenant_id_idempotency_key_key" ON "outbox"("tenant_id", "idempotency_key");


-- Hand-written: error-code filters (error_codes @> ARRAY[code]) use a GIN index.
CREATE INDEX "message_status_error_codes_idx" ON "message_status" USING GIN ("error_codes");
