-- CreateTable
CREATE TABLE "inbound_address_book" (
    "tenant_id" TEXT NOT NULL,
    "identity" TEXT NOT NULL,
    "phone_number_id" TEXT NOT NULL,
    "wa_id" TEXT,
    "user_id" TEXT,
    "parent_user_id" TEXT,
    "username" TEXT,
    "full_name" TEXT,
    "first_name" TEXT,
    "removed" BOOLEAN NOT NULL,
    "synced_at" TIMESTAMPTZ(3) NOT NULL,
    "last_position" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbound_address_book_pkey" PRIMARY KEY ("tenant_id","identity")
);

-- CreateIndex
CREATE INDEX "inbound_address_book_tenant_id_user_id_idx" ON "inbound_address_book"("tenant_id", "user_id");

-- CreateIndex
CREATE INDEX "inbound_address_book_tenant_id_phone_number_id_identity_idx" ON "inbound_address_book"("tenant_id", "phone_number_id", "identity");

