package resolvers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"

	"kring/graph"
	"kring/ingest"
)

// loadBatch reads the uploads and loads them with ingest.Load, as the CLI does. A rejected
// load is a report with problems, not an error. With async the load is queued as a job
// (load_jobs.go) and the report only names it.
func (r *Resolver) loadBatch(ctx context.Context, uploads []*graphql.Upload, o ingest.Options, async bool) (*LoadReport, error) {
	files := make([]ingest.File, 0, len(uploads))
	for i, u := range uploads {
		if u == nil || u.File == nil {
			return nil, fmt.Errorf("file %d: no content: %w", i+1, graph.ErrInvalid)
		}
		data, err := io.ReadAll(u.File)
		if err != nil {
			return nil, fmt.Errorf("read upload %q: %w", u.Filename, err)
		}
		// Plain text: the last path component, no control characters, at most 200 characters.
		name := fmt.Sprintf("upload-%d", i+1)
		if u.Filename != "" {
			name = ingest.CleanFileName(u.Filename)
		}
		files = append(files, ingest.File{Name: name, Data: data})
	}
	if p := PrincipalFrom(ctx); p != nil && o.LoadedBy == "" {
		o.LoadedBy = p.Name
	}
	if async {
		j, err := r.jobs.submit(files, o)
		if err != nil {
			return nil, err
		}
		out := toLoadReport(&ingest.Report{DryRun: o.DryRun})
		out.Job = j.model()
		return out, nil
	}
	rep, err := ingest.Load(ctx, r.store, files, o)
	if size(files) >= bigLoad {
		defer func() { go debug.FreeOSMemory() }() // give back what the load used now, not over minutes
	}
	var ve *graph.ValidationError
	if err != nil && !errors.As(err, &ve) {
		return nil, err
	}
	return toLoadReport(rep), nil
}

// loadOptions turns the mutation's arguments into load options.
func loadOptions(dryRun *bool, description *string, skipInvalid *bool, sourceType *graph.SourceType, status *graph.Status) ingest.Options {
	var o ingest.Options
	if dryRun != nil {
		o.DryRun = *dryRun
	}
	if skipInvalid != nil {
		o.SkipInvalid = *skipInvalid
	}
	if description != nil {
		o.Description = *description
	}
	if sourceType != nil {
		o.SourceType = string(*sourceType)
	}
	if status != nil {
		o.Status = string(*status)
	}
	return o
}

// recordSourceTypes turns the sourceTypes argument into load options' SourceTypes.
func recordSourceTypes(in []*RecordSourceType) map[string]string {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]string, len(in))
	for _, t := range in {
		if t != nil {
			out[t.Record] = string(t.Type)
		}
	}
	return out
}

// toLoadReport converts a loaders report to its GraphQL model.
func toLoadReport(rep *ingest.Report) *LoadReport {
	problems := func(ps []graph.Problem) []*graph.Problem {
		out := make([]*graph.Problem, len(ps))
		for i := range ps {
			out[i] = &ps[i]
		}
		return out
	}
	out := &LoadReport{DryRun: rep.DryRun, Rejected: rep.Rejected(), Batches: []*LoadBatchReport{},
		Skipped: problems(rep.Skipped), Problems: problems(rep.Problems), Notes: problems(rep.Notes), Merged: []*LoadMerge{},
		NeedsSourceType: []*RecordNeed{}}
	for _, n := range rep.NeedsSourceType {
		rn := &RecordNeed{Record: fmt.Sprintf("%s:%d", n.File, n.Line), File: n.File, Line: n.Line, Title: n.Title,
			EntryType: n.EntryType, Source: graph.FullID(n.Source)}
		if n.Suggested != "" {
			s := graph.SourceType(n.Suggested)
			rn.Suggested = &s
		}
		out.NeedsSourceType = append(out.NeedsSourceType, rn)
	}
	for _, b := range rep.Batches {
		lb := &LoadBatchReport{Batch: graph.FullID(b.Batch), Kind: b.Kind, Files: []*graph.BatchFile{}, Written: b.Written,
			NoChange: b.NoChange, Added: b.Added, Removed: b.Removed, Unchanged: b.Unchanged, Types: []*LoadTypeDiff{}, Items: []*LoadItem{}}
		for _, it := range b.Items {
			lb.Items = append(lb.Items, &LoadItem{Type: it.Type, ID: graph.FullID(it.ID), Label: it.Label})
		}
		for i := range b.Files {
			lb.Files = append(lb.Files, &b.Files[i])
		}
		for _, t := range b.Types {
			lb.Types = append(lb.Types, &LoadTypeDiff{Type: t.Type, New: t.New, Updated: t.Updated, Unchanged: t.Unchanged,
				Duplicate: t.Duplicate, Conflict: t.Conflict, Skipped: t.Skipped})
		}
		out.Batches = append(out.Batches, lb)
	}
	for _, m := range rep.Merged {
		out.Merged = append(out.Merged, &LoadMerge{Source: graph.FullID(m.Source), Record: m.Record, With: m.With, Rule: MergeRule(m.Rule)})
	}
	return out
}
