// Ambient types for the client: Vite's (import.meta.env, asset imports) and Svelte components.
/// <reference types="vite/client" />
/// <reference types="svelte" />
