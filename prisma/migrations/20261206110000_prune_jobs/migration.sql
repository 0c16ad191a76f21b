-- CreateTable
CREATE TABLE "prune_jobs" (
    "sid" TEXT NOT NULL,
    "account_sid" TEXT NOT NULL,
    "service_sid" TEXT NOT NULL,
    "filter" JSONB NOT NULL,
    "status" TEXT NOT NULL,
    "matched" INTEGER NOT NULL,
    "deleted" INTEGER NOT NULL DEFAULT 0,
    "cursor" TEXT,
    "created_by" TEXT NOT NULL,
    "owner" TEXT,
    "heartbeat_at" TIMESTAMP(3),
    "error" TEXT,
    "date_created" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "prune_jobs_pkey" PRIMARY KEY ("sid")
);

-- CreateIndex
CREATE INDEX "prune_jobs_account_sid_date_created_idx" ON "prune_jobs"("account_sid", "date_created");

-- CreateIndex
CREATE INDEX "prune_jobs_status_idx" ON "prune_jobs"("status");
