package graph

import "context"

// SourceRecord is a stored source as a literature import sees it: its fields as a batch file
// would give them, so that an importer can find the source again (by DOI, or by title, year and
// first author) and restate it without contradicting it.
type SourceRecord struct {
	ID string
	// Fields holds every stored field by its batch-file name ("title", "year", "authors",
	// "doi", "type", "status", ...): strings, int64, bool, and []any of strings for lists and
	// references.
	Fields map[string]any
	// Batches are the batches that state the source.
	Batches []string
}

// Str returns a string field, or "".
func (r *SourceRecord) Str(name string) string {
	s, _ := r.Fields[name].(string)
	return s
}

// Year returns the year, or 0.
func (r *SourceRecord) Year() int {
	y, _ := r.Fields["year"].(int64)
	return int(y)
}

// Authors returns the author strings ("Family, Given"), in order.
func (r *SourceRecord) Authors() []string {
	var out []string
	list, _ := r.Fields["authors"].([]any)
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// SourceRecords returns every stored source, in id order.
func (s *Store) SourceRecords(ctx context.Context) ([]SourceRecord, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	spec := TypeOf(TypeSource)
	ids := ix.byType[TypeSource]
	out := make([]SourceRecord, 0, len(ids))
	for _, id := range ids {
		n := ix.nodes[id]
		r := SourceRecord{ID: id, Fields: map[string]any{}, Batches: append([]string(nil), n.batches()...)}
		for i := range spec.Fields {
			f := &spec.Fields[i]
			if v, ok := rawField(n, f); ok {
				r.Fields[f.Name] = v
			}
		}
		out = append(out, r)
	}
	return out, nil
}
