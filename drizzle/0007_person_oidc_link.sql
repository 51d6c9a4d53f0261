ALTER TABLE "people" ADD COLUMN "oidc_link_issuer" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "oidc_link_until" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "audit_log_entity" ON "audit_log" USING btree ("entity_id");--> statement-breakpoint
CREATE INDEX "audit_log_actor" ON "audit_log" USING btree ("actor_id");