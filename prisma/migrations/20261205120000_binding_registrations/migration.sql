-- CreateTable
CREATE TABLE "binding_registrations" (
    "sid" TEXT NOT NULL,
    "date_created" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "account_sid" TEXT NOT NULL,
    "credential_sid" TEXT NOT NULL,
    "front_door" TEXT NOT NULL,
    "request_id" TEXT,
    "binding_sid" TEXT NOT NULL,
    "service_sid" TEXT NOT NULL,
    "created" BOOLEAN NOT NULL,
    "binding" JSONB NOT NULL,

    CONSTRAINT "binding_registrations_pkey" PRIMARY KEY ("sid")
);

-- CreateIndex
CREATE INDEX "binding_registrations_account_sid_date_created_idx" ON "binding_registrations"("account_sid", "date_created");
