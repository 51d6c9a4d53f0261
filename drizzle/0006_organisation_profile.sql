ALTER TABLE "organisations" ADD COLUMN "short_name" text;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "primary_colour" text DEFAULT '#0b2f52' NOT NULL;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "text_colour" text DEFAULT '#ffffff' NOT NULL;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "contact_lines" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "guidance" jsonb;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "logo_type" text;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "logo_bytes" "bytea";--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "logo_updated_at" timestamp with time zone;