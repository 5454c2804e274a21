// Package ingest reads batch inputs into graph changesets: the Kring batch format (KB YAML,
// coding sheets) and literature exports (BibTeX, RIS, CSL-JSON, N-Quads, JSON-LD), with
// duplicate matching against the store and the report a load gives back.
package ingest
