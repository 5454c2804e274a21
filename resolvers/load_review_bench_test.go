package resolvers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"kring/graph"
	"kring/graph/graphtest"
	"kring/resolvers"
)

// bigBib returns n deterministic BibTeX entries like ingest/bigbib_test.go writes (one to three
// authors, a title, year, journal or institution, a DOI for two in five; every 17th entry a
// techreport, which needs a source type).
func bigBib(n int) []byte {
	var b bytes.Buffer
	families := []string{"Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet",
		"Dubois", "Lambert", "Smith", "Jones", "García", "Müller", "Nguyen", "Kowalski", "O'Brien", "van den Berg"}
	givens := []string{"An", "Bart", "Charlotte", "Dirk", "Els", "Frank", "Griet", "Hans", "Inge", "Jan", "Karin", "Luc", "Marie", "Nele", "Oscar"}
	words := []string{"personal", "networks", "poverty", "social", "support", "mentoring", "families", "income", "outcomes", "trial",
		"community", "buddy", "programme", "evaluation", "resilience", "loneliness", "employment", "housing", "children", "ties"}
	journals := []string{"Journal of Social Policy", "Social Networks", "European Journal of Social Work", "Tijdschrift voor Sociologie"}
	for i := 0; i < n; i++ {
		kind := "article"
		if i%17 == 0 {
			kind = "techreport"
		}
		fmt.Fprintf(&b, "@%s{k%06d, author = {", kind, i)
		for a := 0; a < 1+i%3; a++ {
			if a > 0 {
				b.WriteString(" and ")
			}
			fmt.Fprintf(&b, "%s, %s", families[(i*7+a*3)%len(families)], givens[(i*5+a)%len(givens)])
		}
		b.WriteString("}, title = {")
		for k := 0; k < 3+i%4; k++ {
			if k > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[(i*(k+3)+k*11)%len(words)])
		}
		fmt.Fprintf(&b, " %d}, year = {%d}", i, 1975+i%50)
		if kind == "article" {
			fmt.Fprintf(&b, ", journal = {%s}", journals[i%len(journals)])
		} else {
			b.WriteString(", institution = {KU Leuven}")
		}
		if i%5 < 2 {
			fmt.Fprintf(&b, ", doi = {10.5555/kring.%d}", i)
		}
		b.WriteString("}\n")
	}
	return b.Bytes()
}

const benchUpload = `mutation($files: [Upload!]!, $dry: Boolean, $types: [RecordSourceType!]) {
  loadBatch(files: $files, dryRun: $dry, sourceTypes: $types, async: true) { job { id } }
}`

const benchJob = `query($id: ID!) {
  loadJob(id: $id) { state error { code message }
    report { rejected problems { file line message } needsSourceType { record }
      batches { written types { type new } items { id } } merged { rule } } }
}`

type benchReport struct {
	Rejected        bool
	Problems        []graph.Problem
	NeedsSourceType []struct{ Record string }
	Batches         []struct {
		Written bool
		Types   []struct {
			Type string
			New  int
		}
	}
}

// BenchmarkUploadReviewCommit measures what the upload page does with a 5,000-record BibTeX
// export, over HTTP on loopback (multipart, async: true, polling loadJob every 50 ms): the dry
// run that the review shows (review-s), then the commit with a type for each record that needs
// one (commit-s), into an empty store with the starter KB. Run:
//
//	go test ./resolvers -run '^$' -bench BenchmarkUploadReviewCommit -benchtime 3x
func BenchmarkUploadReviewCommit(b *testing.B) {
	for _, backend := range []string{"memory", "bolt"} {
		b.Run(backend, func(b *testing.B) {
			data := bigBib(5000)
			var review, commit time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				var st *graph.Store
				if backend == "bolt" {
					st, _ = graphtest.NewBolt(b)
				} else {
					st = graphtest.NewMemory(b)
				}
				srv, token, close := benchServer(b, st)
				b.StartTimer()
				t0 := time.Now()
				rep := benchLoad(b, srv, token, data, true, nil)
				t1 := time.Now()
				if rep.Rejected || len(rep.NeedsSourceType) != 295 {
					b.Fatalf("review: rejected %v, %d needs, problems %v", rep.Rejected, len(rep.NeedsSourceType), rep.Problems)
				}
				var types []any
				for _, n := range rep.NeedsSourceType {
					types = append(types, map[string]any{"record": n.Record, "type": "GREY_BE"})
				}
				rep = benchLoad(b, srv, token, data, false, types)
				t2 := time.Now()
				if rep.Rejected || !rep.Batches[0].Written || rep.Batches[0].Types[0].New != 5000 {
					b.Fatalf("commit: %+v", rep)
				}
				review += t1.Sub(t0)
				commit += t2.Sub(t1)
				b.StopTimer()
				close()
				b.StartTimer()
			}
			b.ReportMetric(review.Seconds()/float64(b.N), "review-s")
			b.ReportMetric(commit.Seconds()/float64(b.N), "commit-s")
			b.Logf("5,000 records (%d KiB), %s: review (dry run) %.2f s, commit %.2f s (mean of %d)", len(data)>>10, backend,
				review.Seconds()/float64(b.N), commit.Seconds()/float64(b.N), b.N)
		})
	}
}

// benchServer serves the API on 127.0.0.1 (port 18171, or any free one when taken) with a
// curator token and the starter KB loaded.
func benchServer(b *testing.B, st *graph.Store) (string, string, func()) {
	token := "bench-curator-token"
	tokens, err := resolvers.ParseTokens("tokens", strings.NewReader("bench curator "+resolvers.HashToken(token)))
	if err != nil {
		b.Fatal(err)
	}
	r := resolvers.New(st, nil)
	srv := httptest.NewUnstartedServer(resolvers.NewHandler(r, resolvers.Options{Tokens: tokens}))
	if l, err := net.Listen("tcp", "127.0.0.1:18171"); err == nil {
		srv.Listener.Close()
		srv.Listener = l
	}
	srv.Start()
	starter := benchLoadFile(b, srv.URL, token, "starter.yaml", mustRead(b, "../kb/starter.yaml"))
	if starter.Rejected {
		b.Fatalf("starter: %v", starter.Problems)
	}
	return srv.URL, token, func() { srv.Close(); r.Close() }
}

func benchLoad(b *testing.B, url, token string, data []byte, dry bool, types []any) benchReport {
	vars := map[string]any{"dry": dry}
	if types != nil {
		vars["types"] = types
	}
	return benchPost(b, url, token, "upload.bib", data, vars)
}

func benchLoadFile(b *testing.B, url, token, name string, data []byte) benchReport {
	return benchPost(b, url, token, name, data, map[string]any{})
}

func benchPost(b *testing.B, url, token, name string, data []byte, vars map[string]any) benchReport {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	vars["files"] = []any{nil}
	ops, _ := json.Marshal(map[string]any{"query": benchUpload, "variables": vars})
	mw.WriteField("operations", string(ops))
	mw.WriteField("map", `{"0":["variables.files.0"]}`)
	fw, _ := mw.CreateFormFile("0", name)
	fw.Write(data)
	mw.Close()
	var started struct {
		Data struct {
			LoadBatch struct{ Job struct{ ID string } }
		}
		Errors []map[string]any
	}
	benchDo(b, url, token, mw.FormDataContentType(), &body, &started)
	if len(started.Errors) > 0 || started.Data.LoadBatch.Job.ID == "" {
		b.Fatalf("loadBatch: %+v", started)
	}
	for {
		time.Sleep(50 * time.Millisecond)
		q, _ := json.Marshal(map[string]any{"query": benchJob, "variables": map[string]any{"id": started.Data.LoadBatch.Job.ID}})
		var job struct {
			Data struct {
				LoadJob struct {
					State  string
					Error  *struct{ Code, Message string }
					Report *benchReport
				}
			}
			Errors []map[string]any
		}
		benchDo(b, url, token, "application/json", bytes.NewReader(q), &job)
		j := job.Data.LoadJob
		switch {
		case len(job.Errors) > 0 || j.State == "FAILED":
			b.Fatalf("job: %+v %+v", job.Errors, j.Error)
		case j.State == "SUCCEEDED":
			return *j.Report
		}
	}
}

func benchDo(b *testing.B, url, token, ctype string, body interface{ Read([]byte) (int, error) }, out any) {
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, url+"/graphql", body)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		b.Fatalf("decode: %v", err)
	}
}

func mustRead(b *testing.B, path string) []byte {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return data
}
