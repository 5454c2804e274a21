package resolvers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"kring/graph"
	"kring/ingest"
)

// Load jobs (loadBatch with async: true, load.graphqls) live in the memory of the server
// process. One worker runs them one at a time, in the order they were sent; finished jobs are
// kept for jobKeep (the last jobKeepMax at most).
const (
	jobKeep     = time.Hour
	jobKeepMax  = 20
	jobQueueMax = 4 // jobs waiting, each holding its files in memory
)

// bigLoad is the input size (bytes) after which the memory a load used is given back to the
// operating system at once rather than over minutes.
const bigLoad = 4 << 20

type loadJobs struct {
	ctx    context.Context // cancelled by Resolver.Close: running and queued jobs stop
	cancel context.CancelFunc
	store  *graph.Store
	log    *slog.Logger

	start sync.Once
	queue chan *loadJob

	mu   sync.Mutex
	jobs map[string]*loadJob
}

type loadJob struct {
	id       string
	files    []ingest.File // dropped once the job has run
	names    []string
	opts     ingest.Options
	loadedBy string
	created  time.Time

	mu       sync.Mutex
	state    LoadJobState
	started  time.Time
	finished time.Time
	progress ingest.Progress
	report   *ingest.Report
	err      *LoadJobError
}

func newLoadJobs(store *graph.Store, log *slog.Logger) *loadJobs {
	ctx, cancel := context.WithCancel(context.Background())
	return &loadJobs{ctx: ctx, cancel: cancel, store: store, log: log, queue: make(chan *loadJob, jobQueueMax), jobs: map[string]*loadJob{}}
}

// Close stops the load jobs: the running one is cancelled (rolled back unless its transaction
// already committed), queued ones fail. It does not wait.
func (r *Resolver) Close() {
	r.jobs.cancel()
}

// submit queues a load; an error when the queue is full or the server is closing.
func (js *loadJobs) submit(files []ingest.File, o ingest.Options) (*loadJob, error) {
	if js.ctx.Err() != nil {
		return nil, fmt.Errorf("the server is shutting down: %w", graph.ErrConflict)
	}
	var b [12]byte
	_, _ = rand.Read(b[:])
	j := &loadJob{id: "load-" + hex.EncodeToString(b[:]), files: files, opts: o, loadedBy: o.LoadedBy, created: time.Now().UTC(), state: LoadJobStateQueued}
	for _, f := range files {
		j.names = append(j.names, f.Name)
	}
	js.start.Do(func() { go js.work() })
	js.mu.Lock()
	defer js.mu.Unlock()
	js.prune()
	select {
	case js.queue <- j:
	default:
		return nil, fmt.Errorf("%d load jobs are waiting already: send this one when one of them is done (poll loadJob): %w", jobQueueMax, graph.ErrConflict)
	}
	js.jobs[j.id] = j
	return j, nil
}

// work runs the queued jobs one by one until the jobs are closed.
func (js *loadJobs) work() {
	for {
		select {
		case <-js.ctx.Done():
			for {
				select {
				case j := <-js.queue:
					js.finish(j, nil, js.ctx.Err())
				default:
					return
				}
			}
		case j := <-js.queue:
			js.run(j)
		}
	}
}

func (js *loadJobs) run(j *loadJob) {
	j.mu.Lock()
	j.state, j.started = LoadJobStateRunning, time.Now().UTC()
	files, o := j.files, j.opts
	j.mu.Unlock()
	if err := js.ctx.Err(); err != nil {
		js.finish(j, nil, err)
		return
	}
	o.Progress = func(p ingest.Progress) {
		j.mu.Lock()
		j.progress = p
		j.mu.Unlock()
	}
	rep, err := ingest.Load(js.ctx, js.store, files, o)
	var ve *graph.ValidationError
	if errors.As(err, &ve) {
		err = nil // a rejected load is a report with problems
	}
	js.finish(j, rep, err)
	if size(files) >= bigLoad {
		debug.FreeOSMemory()
	}
}

func (js *loadJobs) finish(j *loadJob, rep *ingest.Report, err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.finished, j.files = time.Now().UTC(), nil
	if err != nil {
		code, msg := classify(err)
		if errors.Is(err, context.Canceled) {
			code, msg = "UNAVAILABLE", "the server shut down before the load finished; nothing was written"
		}
		if code == CodeInternal {
			js.log.Error("load job failed", "job", j.id, "err", err)
		}
		j.state, j.err = LoadJobStateFailed, &LoadJobError{Code: code, Message: msg}
		return
	}
	j.state, j.report = LoadJobStateSucceeded, rep
}

// get returns the job's current state as its GraphQL model, or nil.
func (js *loadJobs) get(id string) *LoadJob {
	js.mu.Lock()
	js.prune()
	j := js.jobs[id]
	js.mu.Unlock()
	if j == nil {
		return nil
	}
	return j.model()
}

// prune forgets finished jobs older than jobKeep, and the oldest beyond jobKeepMax. js.mu is held.
func (js *loadJobs) prune() {
	var done []*loadJob
	for id, j := range js.jobs {
		j.mu.Lock()
		fin := j.finished
		j.mu.Unlock()
		if fin.IsZero() {
			continue
		}
		if time.Since(fin) > jobKeep {
			delete(js.jobs, id)
			continue
		}
		done = append(done, j)
	}
	for len(done) > jobKeepMax {
		oldest := 0
		for i, j := range done {
			if j.finished.Before(done[oldest].finished) {
				oldest = i
			}
		}
		delete(js.jobs, done[oldest].id)
		done = append(done[:oldest], done[oldest+1:]...)
	}
}

func (j *loadJob) model() *LoadJob {
	j.mu.Lock()
	defer j.mu.Unlock()
	stamp := func(t time.Time) *string {
		if t.IsZero() {
			return nil
		}
		s := t.Format(time.RFC3339)
		return &s
	}
	m := &LoadJob{ID: j.id, State: j.state, Files: append([]string{}, j.names...), LoadedBy: j.loadedBy,
		CreatedAt: j.created.Format(time.RFC3339), StartedAt: stamp(j.started), FinishedAt: stamp(j.finished),
		Progress: &LoadProgress{Phase: j.progress.Phase, File: j.progress.File, Done: j.progress.Done, Total: j.progress.Total},
		Error:    j.err}
	if j.report != nil {
		m.Report = toLoadReport(j.report)
	}
	return m
}

func size(files []ingest.File) int {
	n := 0
	for _, f := range files {
		n += len(f.Data)
	}
	return n
}
