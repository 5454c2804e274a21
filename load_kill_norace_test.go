//go:build !race

package main

// raceEnabled: see load_kill_race_test.go.
const raceEnabled = false
