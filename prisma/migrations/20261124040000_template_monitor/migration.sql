-- CreateTable
CREATE TABLE "template_states" (
    "tenant_id" TEXT NOT NULL,
    "template_key" TEXT NOT NULL,
    "waba_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "template_id" TEXT,
    "status" TEXT,
    "quality" TEXT,
    "category" TEXT,
    "pause_ends_at" TIMESTAMPTZ(3),
    "last_event_at" TIMESTAMPTZ(3),
    "state" JSONB NOT NULL,
    "last_position" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "template_states_pkey" PRIMARY KEY ("tenant_id","template_key")
);

-- CreateTable
CREATE TABLE "waba_health" (
    "tenant_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "waba_id" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "state" JSONB NOT NULL,
    "last_position" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "waba_health_pkey" PRIMARY KEY ("tenant_id","kind","waba_id","subject")
);

-- CreateTable
CREATE TABLE "monitor_alerts" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "alert_key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "occurred_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "monitor_alerts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_endpoints" (
    "tenant_id" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "signing_secret" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_endpoints_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateTable
CREATE TABLE "alert_deliveries" (
    "id" BIGSERIAL NOT NULL,
    "delivery_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "alert_key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_status_code" INTEGER,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "alert_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_delivery_attempts" (
    "id" BIGSERIAL NOT NULL,
    "delivery_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "status_code" INTEGER,
    "error" TEXT,
    "duration_ms" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_delivery_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "template_states_tenant_id_name_language_idx" ON "template_states"("tenant_id", "name", "language");

-- CreateIndex
CREATE INDEX "template_states_tenant_id_status_idx" ON "template_states"("tenant_id", "status");

-- CreateIndex
CREATE INDEX "monitor_alerts_tenant_id_id_idx" ON "monitor_alerts"("tenant_id", "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "monitor_alerts_tenant_id_alert_key_key" ON "monitor_alerts"("tenant_id", "alert_key");

-- CreateIndex
CREATE UNIQUE INDEX "alert_deliveries_delivery_id_key" ON "alert_deliveries"("delivery_id");

-- CreateIndex
CREATE INDEX "alert_deliveries_status_next_attempt_at_idx" ON "alert_deliveries"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "alert_deliveries_tenant_id_id_idx" ON "alert_deliveries"("tenant_id", "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "alert_deliveries_tenant_id_alert_key_key" ON "alert_deliveries"("tenant_id", "alert_key");

-- CreateIndex
CREATE INDEX "alert_delivery_attempts_tenant_id_delivery_id_idx" ON "alert_delivery_attempts"("tenant_id", "delivery_id");

