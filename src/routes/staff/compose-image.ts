// The compose form's file field: an image chosen there is uploaded (cleaned like any upload, see
// domain/publishing/media.ts) when the form is sent, and its id rides along in a hidden field so a
// preview or an error page does not ask for the file again.
import type { Context } from "hono";
import type { AppEnv } from "../../deps";
import { uploadImage } from "../../domain/publishing/media";
import type { FieldError } from "../../errors";
import type { ComposeValues } from "./draft";
import { toSwedishErrors } from "./form";

export async function takeUploadedImage(c: Context<AppEnv>, values: ComposeValues): Promise<FieldError[]> {
  const body = await c.req.parseBody({ all: true });
  const file = body.imageFile;
  if (!(file instanceof File) || file.size === 0) return [];
  try {
    const uploaded = await uploadImage(c.env.deps, c.get("actor"), {
      contentType: file.type,
      bytes: new Uint8Array(await file.arrayBuffer()),
    });
    values.imageMediaId = uploaded.id;
    values.imageUrl = "";
    return [];
  } catch (error) {
    const errors = toSwedishErrors(error, {}, "imageFile");
    if (!errors) throw error;
    return errors.map((e) => ({ ...e, field: "imageFile" }));
  }
}
