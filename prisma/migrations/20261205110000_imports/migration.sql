-- CreateTable
CREATE TABLE "import_runs" (
    "account_sid" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "prune" BOOLEAN NOT NULL,
    "owner_pid" INTEGER NOT NULL,
    "owner_host" TEXT NOT NULL,
    "started_at" TIMESTAMP(3) NOT NULL,
    "heartbeat_at" TIMESTAMP(3) NOT NULL,
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "import_runs_pkey" PRIMARY KEY ("account_sid")
);

-- CreateTable
CREATE TABLE "import_checkpoints" (
    "account_sid" TEXT NOT NULL,
    "list" TEXT NOT NULL,
    "next_page" TEXT,
    "done" BOOLEAN NOT NULL,
    "pages" INTEGER NOT NULL,
    "records" INTEGER NOT NULL,

    CONSTRAINT "import_checkpoints_pkey" PRIMARY KEY ("account_sid","list")
);

-- CreateTable
CREATE TABLE "import_seen" (
    "run_id" TEXT NOT NULL,
    "sid" TEXT NOT NULL,

    CONSTRAINT "import_seen_pkey" PRIMARY KEY ("run_id","sid")
);
