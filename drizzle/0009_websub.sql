CREATE TABLE "websub_pushes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subscription_id" uuid NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"message" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "websub_subscriptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"topic" text NOT NULL,
	"callback" text NOT NULL,
	"secret_sealed" text,
	"lease_seconds" integer NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "websub_pushes" ADD CONSTRAINT "websub_pushes_subscription_id_websub_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."websub_subscriptions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "websub_pushes_due" ON "websub_pushes" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE UNIQUE INDEX "websub_subscriptions_topic_callback" ON "websub_subscriptions" USING btree ("topic","callback");