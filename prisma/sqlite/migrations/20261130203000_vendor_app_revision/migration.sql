-- AlterTable
ALTER TABLE "VendorApp" ADD COLUMN "revision" INTEGER NOT NULL DEFAULT 0;

-- Every update of an app bumps its revision in the same transaction, whoever writes it (Prisma
-- cannot declare triggers: this one lives only here). The WHEN clause stops the trigger's own update
-- from firing it again.
CREATE TRIGGER "VendorApp_revision_after_update" AFTER UPDATE ON "VendorApp"
FOR EACH ROW WHEN NEW."revision" = OLD."revision"
BEGIN
  UPDATE "VendorApp" SET "revision" = OLD."revision" + 1 WHERE "id" = NEW."id";
END;
