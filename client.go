package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"time"

	"kring/graph"
	"kring/ingest"
)

// remote is a running `kring serve` that query, export and load talk to instead of opening the
// data directory: given with --url, or found in the data directory's owner record when a
// server holds it (graph.InUseError).
type remote struct {
	url   string
	token string
}

func (r *remote) register(fs *flag.FlagSet, getenv env, withToken bool) {
	fs.StringVar(&r.url, "url", "", "talk to a running kring serve at this URL (e.g. http://127.0.0.1:8080) instead of opening --data")
	if withToken {
		fs.StringVar(&r.token, "token", getenv("KRING_TOKEN"), "API token for writes through --url (env KRING_TOKEN)")
	}
}

// openOrFind opens the store for a command, unless a kring serve holds the data directory: then
// it returns that server's URL (and says so on stderr). open is sf.open or openWithStarter.
func openOrFind(ctx context.Context, cmd string, open func(context.Context) (*graph.Store, error), stderr io.Writer) (*graph.Store, string, error) {
	st, err := open(ctx)
	var iu *graph.InUseError
	if errors.As(err, &iu) && iu.Owner != nil && iu.Owner.Addr != "" {
		fmt.Fprintf(stderr, "kring %s: %s is held by %s (pid %d); asking it at %s\n", cmd, iu.Dir, iu.Owner.Command, iu.Owner.PID, iu.Owner.Addr)
		return nil, iu.Owner.Addr, nil
	}
	return st, "", err
}

// endpoint joins the server URL and a path.
func (r *remote) endpoint(path string) (string, error) {
	u, err := url.Parse(r.url)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", &exitError{code: 2, msg: fmt.Sprintf("--url %q: want http://HOST:PORT", r.url)}
	}
	return strings.TrimRight(u.String(), "/") + path, nil
}

func (r *remote) do(req *http.Request) (*http.Response, error) {
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("server at %s: %w", r.url, err)
	}
	return resp, nil
}

// graphQL posts a GraphQL request (JSON) and returns the response body.
func (r *remote) graphQL(ctx context.Context, body []byte) (int, []byte, error) {
	u, err := r.endpoint("/graphql")
	if err != nil {
		return 0, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json, application/json")
	resp, err := r.do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// export streams GET /export to w.
func (r *remote) export(ctx context.Context, w io.Writer, q url.Values) error {
	u, err := r.endpoint("/export?" + q.Encode())
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := r.do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("server at %s: %s: %s", r.url, resp.Status, strings.TrimSpace(string(b)))
	}
	_, err = io.Copy(w, resp.Body)
	return err
}

// loadBatchMutation asks for every field of the load report (the JSON of a ingest.Report).
// The load runs as a job in the server (async: true), so that no request deadline or dropped
// connection can leave the client without an answer; loadJobQuery polls it.
const loadBatchMutation = `mutation Load($files: [Upload!]!, $dryRun: Boolean, $description: String, $skipInvalid: Boolean, $sourceType: SourceType, $sourceTypes: [RecordSourceType!], $status: Status) {
  loadBatch(files: $files, dryRun: $dryRun, description: $description, skipInvalid: $skipInvalid, sourceType: $sourceType, sourceTypes: $sourceTypes, status: $status, async: true) {
    job { id state }
  }
}`

// loadJobQuery asks for a load job's state, progress, report (every field of a ingest.Report)
// and error.
const loadJobQuery = `query Job($id: ID!) {
  loadJob(id: $id) {
    id state
    progress { phase file done total }
    error { code message }
    report {
      dryRun
      batches { batch kind files { name sha256 } written noChange added removed unchanged
        types { type new updated unchanged duplicate conflict skipped } }
      skipped { file line column field message }
      problems { file line column field message }
      merged { source record with rule }
      notes { file line column field message }
      needsSourceType { file line title entryType suggested source }
    }
  }
}`

// jobPoll is how often `kring load --url` asks for its job's progress.
const jobPoll = 300 * time.Millisecond

// load sends files to the loadBatch mutation as a GraphQL multipart request and returns the
// report as `kring load` prints it.
func (r *remote) load(ctx context.Context, files []ingest.File, o ingest.Options, stderr io.Writer) (*ingest.Report, error) {
	if r.token == "" {
		return nil, &exitError{code: 2, msg: "kring load --url: a token is needed to write (--token or KRING_TOKEN; `kring token new` makes one)"}
	}
	fmt.Fprintf(stderr, "kring load: sending %d file(s) to %s\n", len(files), r.url)
	u, err := r.endpoint("/graphql")
	if err != nil {
		return nil, err
	}
	vars := map[string]any{"files": make([]any, len(files)), "dryRun": o.DryRun, "skipInvalid": o.SkipInvalid}
	if o.Description != "" {
		vars["description"] = o.Description
	}
	if o.SourceType != "" {
		vars["sourceType"] = graph.NormalizeCode(o.SourceType)
	}
	if o.Status != "" {
		vars["status"] = graph.NormalizeCode(o.Status)
	}
	if len(o.SourceTypes) > 0 {
		// The server names files by their last path component (ingest.CleanFileName).
		var list []any
		for rec, code := range o.SourceTypes {
			i := strings.LastIndexByte(rec, ':')
			list = append(list, map[string]any{"record": ingest.CleanFileName(rec[:i]) + rec[i:], "type": code})
		}
		vars["sourceTypes"] = list
	}
	ops, _ := json.Marshal(map[string]any{"query": loadBatchMutation, "variables": vars})
	m := map[string][]string{}
	for i := range files {
		m[fmt.Sprint(i)] = []string{fmt.Sprintf("variables.files.%d", i)}
	}
	mb, _ := json.Marshal(m)
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		err := mw.WriteField("operations", string(ops))
		if err == nil {
			err = mw.WriteField("map", string(mb))
		}
		for i, f := range files {
			if err != nil {
				break
			}
			var part io.Writer
			if part, err = mw.CreateFormFile(fmt.Sprint(i), f.Name); err == nil {
				_, err = part.Write(f.Data)
			}
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, pr)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "application/graphql-response+json, application/json")
	resp, err := r.do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("server at %s: %w", r.url, err)
	}
	var out struct {
		Data struct {
			LoadBatch *struct {
				Job *struct {
					ID    string `json:"id"`
					State string `json:"state"`
				} `json:"job"`
			} `json:"loadBatch"`
		} `json:"data"`
		Errors gqlErrors `json:"errors"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, fmt.Errorf("server at %s: %s: %s", r.url, resp.Status, strings.TrimSpace(string(body)))
	}
	if len(out.Errors) > 0 || out.Data.LoadBatch == nil || out.Data.LoadBatch.Job == nil {
		return nil, &exitError{code: 1, msg: fmt.Sprintf("kring load: server at %s refused the load: %s", r.url, out.Errors)}
	}
	return r.waitJob(ctx, out.Data.LoadBatch.Job.ID, stderr)
}

// gqlErrors are the errors of a GraphQL response, printed with their codes.
type gqlErrors []struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

func (es gqlErrors) String() string {
	var msgs []string
	for _, e := range es {
		msgs = append(msgs, fmt.Sprintf("%s (%v)", e.Message, e.Extensions["code"]))
	}
	return strings.Join(msgs, "; ")
}

// waitJob polls a load job until it ends, printing its progress, and returns its report. When
// ctx ends first (SIGINT), it returns at once: the job goes on in the server, and the message
// says how to follow it.
func (r *remote) waitJob(ctx context.Context, id string, stderr io.Writer) (*ingest.Report, error) {
	fmt.Fprintf(stderr, "kring load: running as job %s in the server\n", id)
	body, _ := json.Marshal(map[string]any{"query": loadJobQuery, "variables": map[string]any{"id": id}})
	last := ""
	for {
		status, b, err := r.graphQL(ctx, body)
		if ctx.Err() != nil {
			return nil, &exitError{code: 130, msg: fmt.Sprintf("kring load: interrupted; job %s goes on in the server (it commits whole or not at all): ask for loadJob(id: %q)", id, id)}
		}
		if err != nil {
			return nil, err
		}
		var out struct {
			Data struct {
				LoadJob *struct {
					State    string `json:"state"`
					Progress struct {
						Phase string `json:"phase"`
						File  string `json:"file"`
						Done  int    `json:"done"`
						Total int    `json:"total"`
					} `json:"progress"`
					Error *struct {
						Code    string `json:"code"`
						Message string `json:"message"`
					} `json:"error"`
					Report *ingest.Report `json:"report"`
				} `json:"loadJob"`
			} `json:"data"`
			Errors gqlErrors `json:"errors"`
		}
		if err := json.Unmarshal(b, &out); err != nil {
			return nil, fmt.Errorf("server at %s: HTTP %d: %s", r.url, status, strings.TrimSpace(string(b)))
		}
		j := out.Data.LoadJob
		if len(out.Errors) > 0 || j == nil {
			return nil, &exitError{code: 1, msg: fmt.Sprintf("kring load: job %s at %s: %s", id, r.url, out.Errors)}
		}
		if p := j.Progress; p.Phase != "" {
			line := fmt.Sprintf("%s %s %d/%d", p.Phase, p.File, p.Done, p.Total)
			if line != last {
				fmt.Fprintf(stderr, "kring load: %s\n", strings.Join(strings.Fields(line), " "))
				last = line
			}
		}
		switch j.State {
		case "SUCCEEDED":
			if j.Report == nil {
				return nil, fmt.Errorf("server at %s: job %s succeeded without a report", r.url, id)
			}
			for _, b := range j.Report.Batches {
				b.Batch = graph.ShortID(b.Batch)
			}
			return j.Report, nil
		case "FAILED":
			msg := "no reason given"
			if j.Error != nil {
				msg = fmt.Sprintf("%s (%s)", j.Error.Message, j.Error.Code)
			}
			return nil, &exitError{code: 1, msg: fmt.Sprintf("kring load: job %s at %s failed: %s", id, r.url, msg)}
		}
		select {
		case <-ctx.Done():
		case <-time.After(jobPoll):
		}
	}
}
