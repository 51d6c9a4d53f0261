ALTER TABLE "accounts" ADD COLUMN "exercise" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "exercise" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "reset_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "reset_by" uuid;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_reset_by_people_id_fk" FOREIGN KEY ("reset_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;