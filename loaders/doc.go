// Package loaders provides the per-request dataloaders the GraphQL layer uses: every id asked
// for within one batching window is read from the store's pinned read model in one call.
package loaders
