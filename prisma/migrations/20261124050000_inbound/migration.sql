-- CreateTable
CREATE TABLE "inbound_messages" (
    "tenant_id" TEXT NOT NULL,
    "wamid" TEXT NOT NULL,
    "conversation_id" TEXT NOT NULL,
    "contact_id" TEXT NOT NULL,
    "phone_number_id" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "sent_at" TIMESTAMPTZ(3) NOT NULL,
    "context_wamid" TEXT,
    "reply_to_internal_id" TEXT,
    "message" JSONB NOT NULL,
    "position" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbound_messages_pkey" PRIMARY KEY ("tenant_id","wamid")
);

-- CreateTable
CREATE TABLE "inbound_contacts" (
    "tenant_id" TEXT NOT NULL,
    "contact_id" TEXT NOT NULL,
    "wa_id" TEXT,
    "user_id" TEXT,
    "state" JSONB NOT NULL,
    "last_position" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbound_contacts_pkey" PRIMARY KEY ("tenant_id","contact_id")
);

-- CreateTable
CREATE TABLE "inbound_contact_aliases" (
    "tenant_id" TEXT NOT NULL,
    "identity" TEXT NOT NULL,
    "contact_id" TEXT NOT NULL,

    CONSTRAINT "inbound_contact_aliases_pkey" PRIMARY KEY ("tenant_id","identity")
);

-- CreateTable
CREATE TABLE "inbound_conversations" (
    "tenant_id" TEXT NOT NULL,
    "conversation_id" TEXT NOT NULL,
    "phone_number_id" TEXT NOT NULL,
    "contact_id" TEXT NOT NULL,
    "last_inbound_at" TIMESTAMPTZ(3),
    "window_expires_at" TIMESTAMPTZ(3),
    "free_entry_expires_at" TIMESTAMPTZ(3),
    "message_count" INTEGER NOT NULL,
    "state" JSONB NOT NULL,
    "last_position" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbound_conversations_pkey" PRIMARY KEY ("tenant_id","conversation_id")
);

-- CreateTable
CREATE TABLE "inbound_media" (
    "tenant_id" TEXT NOT NULL,
    "wamid" TEXT NOT NULL,
    "media_id" TEXT NOT NULL,
    "mime_type" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,
    "storage_key" TEXT,
    "size_bytes" INTEGER,
    "sha256" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "inbound_media_pkey" PRIMARY KEY ("tenant_id","wamid")
);

-- CreateIndex
CREATE INDEX "inbound_messages_tenant_id_conversation_id_sent_at_wamid_idx" ON "inbound_messages"("tenant_id", "conversation_id", "sent_at", "wamid");

-- CreateIndex
CREATE INDEX "inbound_contact_aliases_tenant_id_contact_id_idx" ON "inbound_contact_aliases"("tenant_id", "contact_id");

-- CreateIndex
CREATE UNIQUE INDEX "inbound_conversations_tenant_id_phone_number_id_contact_id_key" ON "inbound_conversations"("tenant_id", "phone_number_id", "contact_id");

-- CreateIndex
CREATE INDEX "inbound_media_status_next_attempt_at_idx" ON "inbound_media"("status", "next_attempt_at");

