// wrangler imports .eta templates as text (see [[rules]] in wrangler.toml).
declare module "*.eta" {
  const source: string;
  export default source;
}
