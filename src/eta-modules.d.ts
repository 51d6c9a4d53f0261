// wrangler imports .eta templates as text (see [[rules]] in wrangler.toml).
declare module "*.eta" {
  const source: string;
  export default source;
}

// wrangler imports .wasm files as compiled modules (its default CompiledWasm rule).
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
