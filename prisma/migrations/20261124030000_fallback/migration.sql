-- CreateTable
CREATE TABLE "fallback_message" (
    "tenant_id" TEXT NOT NULL,
    "wamid" TEXT NOT NULL,
    "internal_message_id" TEXT,
    "recipient" TEXT,
    "error_code" INTEGER,
    "error_class" TEXT,
    "action" TEXT,
    "reason" TEXT,
    "sms_status" TEXT,
    "superseded_by" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "awaiting_since" TIMESTAMPTZ(3),
    "state" JSONB NOT NULL,
    "last_position" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "fallback_message_pkey" PRIMARY KEY ("tenant_id","wamid")
);

-- CreateTable
CREATE TABLE "marketing_suppression" (
    "tenant_id" TEXT NOT NULL,
    "user_key" TEXT NOT NULL,
    "suppressed" BOOLEAN NOT NULL,
    "source" TEXT NOT NULL,
    "changed_at" TIMESTAMPTZ(3) NOT NULL,
    "last_position" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "marketing_suppression_pkey" PRIMARY KEY ("tenant_id","user_key")
);

-- CreateTable
CREATE TABLE "fallback_sms" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "wamid" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,
    "provider_message_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "fallback_sms_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "fallback_message_tenant_id_internal_message_id_idx" ON "fallback_message"("tenant_id", "internal_message_id");

-- CreateIndex
CREATE INDEX "fallback_message_tenant_id_decided_at_wamid_idx" ON "fallback_message"("tenant_id", "decided_at" DESC, "wamid" DESC);

-- CreateIndex
CREATE INDEX "fallback_message_awaiting_since_idx" ON "fallback_message"("awaiting_since");

-- CreateIndex
CREATE INDEX "marketing_suppression_tenant_id_suppressed_changed_at_idx" ON "marketing_suppression"("tenant_id", "suppressed", "changed_at" DESC);

-- CreateIndex
CREATE INDEX "fallback_sms_status_next_attempt_at_idx" ON "fallback_sms"("status", "next_attempt_at");

-- CreateIndex
CREATE UNIQUE INDEX "fallback_sms_tenant_id_wamid_key" ON "fallback_sms"("tenant_id", "wamid");

-- CreateIndex
CREATE UNIQUE INDEX "fallback_sms_tenant_id_idempotency_key_key" ON "fallback_sms"("tenant_id", "idempotency_key");

