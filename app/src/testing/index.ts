// The litesvm kit: load Bulwark and a market into a LiteSVM instance (the TypeScript twin of the
// Rust `bulwark-testing`). Not part of the client's main entry (`src/index.ts`): it needs Node
// and litesvm.

export * from "./svm";
export * from "./market";
