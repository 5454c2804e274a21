//go:build linux || darwin

package graph

import "syscall"

// statfsAvailable returns the bytes available to unprivileged writers on the file system
// holding path.
func statfsAvailable(path string) (uint64, bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return 0, false
	}
	return uint64(st.Bavail) * uint64(st.Bsize), true
}
