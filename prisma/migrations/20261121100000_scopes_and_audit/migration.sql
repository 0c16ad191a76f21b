-- CreateEnum
CREATE TYPE "api_key_scope" AS ENUM ('read', 'read-write');

-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "revoked_at" TIMESTAMP(3),
ADD COLUMN     "scope" "api_key_scope" NOT NULL DEFAULT 'read-write';

-- CreateTable
CREATE TABLE "binding_deletions" (
    "sid" TEXT NOT NULL,
    "date_created" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "account_sid" TEXT NOT NULL,
    "credential_sid" TEXT NOT NULL,
    "front_door" TEXT NOT NULL,
    "request_id" TEXT,
    "binding_sid" TEXT NOT NULL,
    "service_sid" TEXT NOT NULL,
    "binding" JSONB NOT NULL,

    CONSTRAINT "binding_deletions_pkey" PRIMARY KEY ("sid")
);

-- CreateIndex
CREATE INDEX "binding_deletions_account_sid_date_created_idx" ON "binding_deletions"("account_sid", "date_created");
