// Package graph holds Kring's domain model and its store.
//
// The knowledge graph is kept in Cayley (bbolt on disk, memstore in tests, or PostgreSQL
// through Cayley's SQL backend: postgres.go, where one process writes at a time and the others
// follow its commits by a commit log, follow.go); Cayley is an
// implementation detail of this package and no Cayley type appears in its exported API. Every
// node has a readable IRI as id ("kring:method/family-group-conferencing"); every quad is
// labelled with the IRI of the batch that wrote it, so a batch can be listed and rolled back.
//
// Writes go through one writer (Store.Apply, Store.Rollback), each in one atomic Cayley
// transaction. Reads are served from an in-memory read model that the writer keeps in step
// with the quads and that Open rebuilds from the quad store, because whole-graph questions
// over raw Cayley iterators are orders of magnitude too slow.
//
// Which fields each node type has, what kind of value they hold and what they may point to is
// described once, in the schema table (Types); loaders use it to read files and the store uses
// it to validate and convert input to quads.
package graph
