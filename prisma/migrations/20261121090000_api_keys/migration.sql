-- CreateTable
CREATE TABLE "api_keys" (
    "sid" TEXT NOT NULL,
    "account_sid" TEXT NOT NULL,
    "friendly_name" TEXT,
    "secret_hash" TEXT NOT NULL,
    "date_created" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "date_updated" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("sid")
);

-- CreateIndex
CREATE INDEX "api_keys_account_sid_sid_idx" ON "api_keys"("account_sid", "sid");

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_account_sid_fkey" FOREIGN KEY ("account_sid") REFERENCES "accounts"("sid") ON DELETE CASCADE ON UPDATE CASCADE;
