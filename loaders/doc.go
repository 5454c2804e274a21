// Package loaders reads batch inputs into graph changesets (the Kring batch format, literature
// exports) and provides the per-request dataloaders the GraphQL layer uses.
package loaders
