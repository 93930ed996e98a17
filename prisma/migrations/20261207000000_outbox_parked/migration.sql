-- CreateTable
CREATE TABLE "outbox_parked" (
    "id" BIGINT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "headers" JSONB NOT NULL DEFAULT '{}',
    "idempotency_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "parked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reason" TEXT NOT NULL,

    CONSTRAINT "outbox_parked_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "outbox_parked_tenant_id_parked_at_idx" ON "outbox_parked"("tenant_id", "parked_at" DESC);

