// Bulwark's TypeScript client: the Codama-generated code (instruction builders, account
// decoders, error codes) and the hand-written helpers around it.

export * from "./generated";
export type { Bulwark } from "./idl";
export * from "./constants";
export * from "./pdas";
export * from "./math";
export * from "./quote";
export * from "./rewards";
export * from "./accounts";
export * from "./flows";
export * from "./admin";
export * from "./deploy";
