ALTER TABLE "audit_log" ADD COLUMN "actor_subject" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "oidc_issuer" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "oidc_subject" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "role_pinned" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "signed_in_with" text DEFAULT 'password' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "people_oidc_subject_key" ON "people" USING btree ("oidc_issuer","oidc_subject");