CREATE TABLE "update_translation_revisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"translation_id" uuid NOT NULL,
	"revision" integer NOT NULL,
	"body" text NOT NULL,
	"reason" text,
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "update_translations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"update_id" uuid NOT NULL,
	"language" text NOT NULL,
	"body" text NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"edited_at" timestamp with time zone,
	"edit_reason" text
);
--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "language" text DEFAULT 'sv' NOT NULL;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "translation_wait_minutes" integer;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "language" text DEFAULT 'sv' NOT NULL;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "languages" jsonb DEFAULT '["sv"]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "update_translation_revisions" ADD CONSTRAINT "update_translation_revisions_translation_id_update_translations_id_fk" FOREIGN KEY ("translation_id") REFERENCES "public"."update_translations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "update_translation_revisions" ADD CONSTRAINT "update_translation_revisions_created_by_people_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "update_translations" ADD CONSTRAINT "update_translations_update_id_updates_id_fk" FOREIGN KEY ("update_id") REFERENCES "public"."updates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "update_translations" ADD CONSTRAINT "update_translations_created_by_people_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "update_translation_revisions_key" ON "update_translation_revisions" USING btree ("translation_id","revision");--> statement-breakpoint
CREATE UNIQUE INDEX "update_translations_update_language_key" ON "update_translations" USING btree ("update_id","language");