// wrangler bundles .wasm?module as a compiled module (CompiledWasm) and .woff as bytes (Data rule).
declare module "*.wasm?module" {
  const module: WebAssembly.Module;
  export default module;
}
declare module "*.woff" {
  const bytes: ArrayBuffer;
  export default bytes;
}
