ALTER TABLE "incidents" ADD COLUMN "area_codes" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "polygon" jsonb;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "expected_end" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "cap" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "updates" ADD COLUMN "instruction" text;--> statement-breakpoint
ALTER TABLE "updates" ADD COLUMN "cap" jsonb DEFAULT '{}'::jsonb NOT NULL;