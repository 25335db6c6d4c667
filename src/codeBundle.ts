// Entry of dist/code.js, the third extension bundle: the call-site finder and web-tree-sitter,
// and the template reader (yaml, smol-toml).
// The extension requires it on first use (src/ui/codeBundle.ts), so activation never parses
// web-tree-sitter; its .wasm files sit beside it in dist/tree-sitter/ (esbuild.mjs copies them).
export { CODE_WASM_FILES, languageOf, loadCodeParser, skipReason } from './code/callSites';
export type { CodeParser } from './code/callSites';
export { cdkStackNameFromManifest, readSamconfigStackName, readTemplate } from './code/templates';
