//go:build race

package main

// raceEnabled: the race detector slows the child process down several times, so the kill test
// loads a smaller batch to stay within its time budget.
const raceEnabled = true
