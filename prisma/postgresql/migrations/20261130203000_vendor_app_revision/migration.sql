-- AlterTable
ALTER TABLE "VendorApp" ADD COLUMN "revision" INTEGER NOT NULL DEFAULT 0;

-- Every update of an app bumps its revision in the same transaction, whoever writes it (Prisma
-- cannot declare triggers: this one lives only here).
CREATE FUNCTION "VendorApp_bump_revision"() RETURNS trigger AS $$
BEGIN
  NEW."revision" := OLD."revision" + 1;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "VendorApp_revision_before_update" BEFORE UPDATE ON "VendorApp"
FOR EACH ROW EXECUTE FUNCTION "VendorApp_bump_revision"();
