-- CreateEnum
CREATE TYPE "binding_type" AS ENUM ('apn', 'gcm', 'fcm');

-- CreateTable
CREATE TABLE "accounts" (
    "sid" TEXT NOT NULL,
    "friendly_name" TEXT NOT NULL,
    "auth_token_hash" TEXT NOT NULL,
    "date_created" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "date_updated" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "accounts_pkey" PRIMARY KEY ("sid")
);

-- CreateTable
CREATE TABLE "services" (
    "sid" TEXT NOT NULL,
    "account_sid" TEXT NOT NULL,
    "friendly_name" TEXT NOT NULL,
    "date_created" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "date_updated" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "services_pkey" PRIMARY KEY ("sid")
);

-- CreateTable
CREATE TABLE "users" (
    "sid" TEXT NOT NULL,
    "service_sid" TEXT NOT NULL,
    "identity" TEXT NOT NULL,
    "friendly_name" TEXT,
    "date_created" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "date_updated" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("sid")
);

-- CreateTable
CREATE TABLE "credentials" (
    "sid" TEXT NOT NULL,
    "account_sid" TEXT NOT NULL,
    "friendly_name" TEXT,
    "type" "binding_type" NOT NULL,
    "sandbox" BOOLEAN NOT NULL DEFAULT false,
    "date_created" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "date_updated" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "credentials_pkey" PRIMARY KEY ("sid")
);

-- CreateTable
CREATE TABLE "bindings" (
    "sid" TEXT NOT NULL,
    "account_sid" TEXT NOT NULL,
    "service_sid" TEXT NOT NULL,
    "user_sid" TEXT NOT NULL,
    "identity" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL,
    "binding_type" "binding_type" NOT NULL,
    "credential_sid" TEXT,
    "message_types" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "date_created" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "date_updated" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "bindings_pkey" PRIMARY KEY ("sid")
);

-- CreateTable
CREATE TABLE "server_secrets" (
    "name" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "date_created" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "server_secrets_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "services_account_sid_sid_idx" ON "services"("account_sid", "sid");

-- CreateIndex
CREATE UNIQUE INDEX "services_sid_account_sid_key" ON "services"("sid", "account_sid");

-- CreateIndex
CREATE INDEX "users_service_sid_sid_idx" ON "users"("service_sid", "sid");

-- CreateIndex
CREATE UNIQUE INDEX "users_service_sid_identity_key" ON "users"("service_sid", "identity");

-- CreateIndex
CREATE UNIQUE INDEX "users_sid_service_sid_identity_key" ON "users"("sid", "service_sid", "identity");

-- CreateIndex
CREATE INDEX "credentials_account_sid_sid_idx" ON "credentials"("account_sid", "sid");

-- CreateIndex
CREATE INDEX "bindings_service_sid_sid_idx" ON "bindings"("service_sid", "sid");

-- CreateIndex
CREATE INDEX "bindings_service_sid_identity_sid_idx" ON "bindings"("service_sid", "identity", "sid");

-- CreateIndex
CREATE INDEX "bindings_service_sid_binding_type_sid_idx" ON "bindings"("service_sid", "binding_type", "sid");

-- CreateIndex
CREATE INDEX "bindings_user_sid_sid_idx" ON "bindings"("user_sid", "sid");

-- CreateIndex
CREATE INDEX "bindings_credential_sid_idx" ON "bindings"("credential_sid");

-- CreateIndex
CREATE UNIQUE INDEX "bindings_service_sid_identity_endpoint_binding_type_key" ON "bindings"("service_sid", "identity", "endpoint", "binding_type");

-- AddForeignKey
ALTER TABLE "services" ADD CONSTRAINT "services_account_sid_fkey" FOREIGN KEY ("account_sid") REFERENCES "accounts"("sid") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "users" ADD CONSTRAINT "users_service_sid_fkey" FOREIGN KEY ("service_sid") REFERENCES "services"("sid") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credentials" ADD CONSTRAINT "credentials_account_sid_fkey" FOREIGN KEY ("account_sid") REFERENCES "accounts"("sid") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bindings" ADD CONSTRAINT "bindings_service_sid_account_sid_fkey" FOREIGN KEY ("service_sid", "account_sid") REFERENCES "services"("sid", "account_sid") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bindings" ADD CONSTRAINT "bindings_user_sid_service_sid_identity_fkey" FOREIGN KEY ("user_sid", "service_sid", "identity") REFERENCES "users"("sid", "service_sid", "identity") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bindings" ADD CONSTRAINT "bindings_credential_sid_fkey" FOREIGN KEY ("credential_sid") REFERENCES "credentials"("sid") ON DELETE SET NULL ON UPDATE CASCADE;
