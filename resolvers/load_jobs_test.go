package resolvers_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"kring/graph/graphtest"
	"kring/resolvers"
)

const asyncLoad = `mutation($files: [Upload!]!) {
  loadBatch(files: $files, sourceType: GREY_BE, async: true) {
    rejected batches { batch }
    job { id state files loadedBy createdAt progress { phase done total } report { rejected } }
  }
}`

const jobQuery = `query($id: ID!) {
  loadJob(id: $id) {
    id state files loadedBy createdAt startedAt finishedAt
    progress { phase file done total }
    report { rejected batches { batch written added files { name } } problems { file line column field message } }
    error { code message }
  }
}`

type jobModel struct {
	ID, State, LoadedBy, CreatedAt string
	StartedAt, FinishedAt          *string
	Files                          []string
	Progress                       struct {
		Phase, File string
		Done, Total int
	}
	Report *struct {
		Rejected bool
		Batches  []struct {
			Batch   string
			Written bool
			Added   int
			Files   []struct{ Name string }
		}
		Problems []struct {
			File, Field, Message string
			Line, Column         int
		}
	}
	Error *struct{ Code, Message string }
}

// multipartLoad builds a loadBatch request with the given query and files (name → content).
func multipartLoad(t *testing.T, auth, query string, names []string, contents []string) *http.Request {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	files := make([]any, len(names))
	ops, _ := json.Marshal(map[string]any{"query": query, "variables": map[string]any{"files": files}})
	mw.WriteField("operations", string(ops))
	m := map[string][]string{}
	for i := range names {
		m[fmt.Sprint(i)] = []string{fmt.Sprintf("variables.files.%d", i)}
	}
	mb, _ := json.Marshal(m)
	mw.WriteField("map", string(mb))
	for i, n := range names {
		fw, _ := mw.CreateFormFile(fmt.Sprint(i), n)
		fw.Write([]byte(contents[i]))
	}
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/graphql", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if auth != "" {
		req.Header.Set("Authorization", "Bearer "+auth)
	}
	return req
}

func gqlPost(t *testing.T, h http.Handler, auth, query string, vars map[string]any, out any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", "Bearer "+auth)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
		t.Fatalf("response %d: %v: %s", rec.Code, err, rec.Body)
	}
}

type jobResponse struct {
	Data struct {
		LoadJob *jobModel
	}
	Errors []struct {
		Message    string
		Extensions map[string]any
	}
}

// waitJob polls loadJob until the job has finished (or, as a safety net, a minute has passed).
func waitJob(t *testing.T, h http.Handler, auth, id string) *jobModel {
	t.Helper()
	for start := time.Now(); time.Since(start) < time.Minute; time.Sleep(20 * time.Millisecond) {
		var r jobResponse
		gqlPost(t, h, auth, jobQuery, map[string]any{"id": id}, &r)
		if len(r.Errors) > 0 || r.Data.LoadJob == nil {
			t.Fatalf("loadJob: %+v", r)
		}
		if s := r.Data.LoadJob.State; s == "SUCCEEDED" || s == "FAILED" {
			return r.Data.LoadJob
		}
	}
	t.Fatal("the job did not finish within a minute")
	return nil
}

// TestLoadBatchAsync: loadBatch(async: true) answers with a job at once; loadJob shows its state,
// progress and, at the end, the report; only curators and admins may read jobs.
func TestLoadBatchAsync(t *testing.T) {
	st := graphtest.NewMemory(t)
	curator, admin := "curator-secret-token", "admin-secret-token"
	r := resolvers.New(st, nil)
	defer r.Close()
	h := resolvers.NewHandler(r, resolvers.Options{Tokens: tokensFor(t, "cora curator "+resolvers.HashToken(curator), "ada admin "+resolvers.HashToken(admin))})
	var bib strings.Builder
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&bib, "@article{k%d, author = {Peeters, An}, title = {Study %d}, journal = {Social Networks}, year = {2001}}\n", i, i)
	}

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, multipartLoad(t, curator, asyncLoad, []string{"big.bib"}, []string{bib.String()}))
	var started struct {
		Data struct {
			LoadBatch struct {
				Rejected bool
				Batches  []struct{ Batch string }
				Job      *jobModel
			}
		}
		Errors []map[string]any
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &started); err != nil || len(started.Errors) > 0 {
		t.Fatalf("async loadBatch: %v %s", err, rec.Body)
	}
	lb := started.Data.LoadBatch
	if lb.Job == nil || lb.Job.ID == "" || len(lb.Batches) != 0 || lb.Rejected || lb.Job.LoadedBy != "cora" ||
		strings.Join(lb.Job.Files, ",") != "big.bib" || lb.Job.Report != nil {
		t.Fatalf("async answer: %s; want a job and an empty report", rec.Body)
	}
	if s := lb.Job.State; s != "QUEUED" && s != "RUNNING" && s != "SUCCEEDED" {
		t.Errorf("state %s", s)
	}

	// Anonymous callers see nothing of it.
	var anon jobResponse
	gqlPost(t, h, "", jobQuery, map[string]any{"id": lb.Job.ID}, &anon)
	if anon.Data.LoadJob != nil || len(anon.Errors) == 0 {
		t.Fatalf("anonymous loadJob: %+v; want an error and no job", anon)
	}
	if c := anon.Errors[0].Extensions["code"]; c != "FORBIDDEN" && c != "UNAUTHENTICATED" {
		t.Errorf("anonymous loadJob code %v", c)
	}

	// Another curator or an admin may follow it.
	job := waitJob(t, h, admin, lb.Job.ID)
	if job.State != "SUCCEEDED" || job.Error != nil || job.Report == nil || job.Report.Rejected || len(job.Report.Batches) != 1 ||
		!job.Report.Batches[0].Written || job.StartedAt == nil || job.FinishedAt == nil || job.Progress.Phase != "write" {
		t.Fatalf("finished job: %+v", job)
	}
	if srcs, err := st.Sources(t.Context(), nil); err != nil || len(srcs) != 300 {
		t.Errorf("%d sources stored (%v), want 300", len(srcs), err)
	}

	// A rejected load is a job that succeeded, with the problems in its report.
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, multipartLoad(t, curator, asyncLoad, []string{"bad.bib"}, []string{"@article{x, title = {A\x00B}, year = {2001}}\n"}))
	if err := json.Unmarshal(rec.Body.Bytes(), &started); err != nil || started.Data.LoadBatch.Job == nil {
		t.Fatalf("async loadBatch: %v %s", err, rec.Body)
	}
	job = waitJob(t, h, curator, started.Data.LoadBatch.Job.ID)
	if job.State != "SUCCEEDED" || job.Report == nil || !job.Report.Rejected || len(job.Report.Problems) == 0 ||
		job.Report.Problems[0].Message != "control character U+0000 (NUL) is not allowed: remove it" {
		t.Fatalf("rejected job: %+v", job)
	}

	// Unknown ids are null.
	var unknown jobResponse
	gqlPost(t, h, curator, jobQuery, map[string]any{"id": "load-nope"}, &unknown)
	if unknown.Data.LoadJob != nil || len(unknown.Errors) > 0 {
		t.Errorf("unknown job: %+v", unknown)
	}

	// A load that cannot run (the store is closed) fails with a code.
	st.Close()
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, multipartLoad(t, curator, asyncLoad, []string{"more.bib"}, []string{"@article{y, title = {B}, journal = {J}, year = {2001}}\n"}))
	if err := json.Unmarshal(rec.Body.Bytes(), &started); err != nil || started.Data.LoadBatch.Job == nil {
		t.Fatalf("async loadBatch: %v %s", err, rec.Body)
	}
	job = waitJob(t, h, curator, started.Data.LoadBatch.Job.ID)
	if job.State != "FAILED" || job.Error == nil || job.Error.Code == "" || job.Error.Message == "" || job.Report != nil {
		t.Fatalf("failed job: %+v", job)
	}
}

// TestUploadFileNames: uploaded file names are stored as plain text: no path, no control
// characters, at most 200 characters; markup stays as text (the explorer escapes it).
func TestUploadFileNames(t *testing.T) {
	st := graphtest.NewMemory(t)
	curator := "curator-secret-token"
	h := resolvers.NewHandler(resolvers.New(st, nil), resolvers.Options{Tokens: tokensFor(t, "cora curator "+resolvers.HashToken(curator))})
	const q = `mutation($files: [Upload!]!) { loadBatch(files: $files, sourceType: GREY_BE) { rejected batches { files { name } } problems { file message } } }`
	long := strings.Repeat("n", 300) + ".bib"
	for _, tc := range []struct{ sent, want string }{
		{`<img src=x onerror=alert(1)><b>bold.bib`, `<img src=x onerror=alert(1)><b>bold.bib`},
		{"nel\u0085 csi\u009b ls\u2028.bib", "nel\uFFFD csi\uFFFD ls\uFFFD.bib"},
		{`C:\Users\x\lit.bib`, "lit.bib"},
		{long, strings.Repeat("n", 195) + "….bib"},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, multipartLoad(t, curator, q, []string{tc.sent}, []string{"@article{k-" + fmt.Sprint(len(tc.sent)) + ", title = {T " + tc.want + "}, journal = {J}, year = {2001}}\n"}))
		var r struct {
			Data struct {
				LoadBatch struct {
					Rejected bool
					Batches  []struct{ Files []struct{ Name string } }
				}
			}
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil || r.Data.LoadBatch.Rejected || len(r.Data.LoadBatch.Batches) != 1 {
			t.Fatalf("%q: %v %s", tc.sent, err, rec.Body)
		}
		if got := r.Data.LoadBatch.Batches[0].Files[0].Name; got != tc.want {
			t.Errorf("file name %q stored as %q, want %q", tc.sent, got, tc.want)
		}
	}
}
