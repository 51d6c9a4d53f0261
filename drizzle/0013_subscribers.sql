CREATE TABLE "subscriber_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subscriber_id" uuid,
	"channel" text NOT NULL,
	"update_id" uuid NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"failure_class" text,
	"message" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subscriber_tallies" (
	"key" text PRIMARY KEY NOT NULL,
	"count" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subscribers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"channel" text NOT NULL,
	"address_sealed" text NOT NULL,
	"address_hash" text NOT NULL,
	"incident_id" uuid,
	"language" text DEFAULT 'sv' NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"confirm_hash" text,
	"confirm_code_hash" text,
	"confirm_attempts" integer DEFAULT 0 NOT NULL,
	"confirm_expires_at" timestamp with time zone,
	"unsubscribe_hash" text NOT NULL,
	"hard_failures" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"confirmed_at" timestamp with time zone,
	"last_sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "subscription_throttle" (
	"key" text PRIMARY KEY NOT NULL,
	"count" integer NOT NULL,
	"window_started_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "subscriber_messages" ADD CONSTRAINT "subscriber_messages_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriber_messages" ADD CONSTRAINT "subscriber_messages_update_id_updates_id_fk" FOREIGN KEY ("update_id") REFERENCES "public"."updates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscribers" ADD CONSTRAINT "subscribers_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "subscriber_messages_due" ON "subscriber_messages" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "subscriber_messages_update" ON "subscriber_messages" USING btree ("update_id");--> statement-breakpoint
CREATE INDEX "subscriber_messages_sent" ON "subscriber_messages" USING btree ("channel","sent_at");--> statement-breakpoint
CREATE INDEX "subscribers_address_hash" ON "subscribers" USING btree ("address_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "subscribers_unsubscribe_hash" ON "subscribers" USING btree ("unsubscribe_hash");--> statement-breakpoint
CREATE INDEX "subscribers_confirm_hash" ON "subscribers" USING btree ("confirm_hash");