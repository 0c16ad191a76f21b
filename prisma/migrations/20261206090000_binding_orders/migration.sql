-- Orders and filters of the bindings lists: one index per order and parent
-- kind, so that every page of every order is an index range scan in either
-- direction; and one per service and credential, for the credential filter.

-- CreateIndex
CREATE INDEX "bindings_service_sid_date_created_sid_idx" ON "bindings"("service_sid", "date_created", "sid");

-- CreateIndex
CREATE INDEX "bindings_service_sid_date_updated_sid_idx" ON "bindings"("service_sid", "date_updated", "sid");

-- CreateIndex
CREATE INDEX "bindings_user_sid_date_created_sid_idx" ON "bindings"("user_sid", "date_created", "sid");

-- CreateIndex
CREATE INDEX "bindings_user_sid_date_updated_sid_idx" ON "bindings"("user_sid", "date_updated", "sid");

-- CreateIndex
CREATE INDEX "bindings_service_sid_credential_sid_sid_idx" ON "bindings"("service_sid", "credential_sid", "sid");

-- Not expressible in schema.prisma: the identity index in byte order
-- (COLLATE "C"), so that `identityPrefix` is a range scan of it whatever the
-- database's collation. Identity equality is written with COLLATE "C" too
-- (src/domain/bindings.ts), which for a deterministic collation means the same.
DROP INDEX "bindings_service_sid_identity_sid_idx";
CREATE INDEX "bindings_service_sid_identity_sid_idx" ON "bindings"("service_sid", "identity" COLLATE "C", "sid");
