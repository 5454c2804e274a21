package ingest

import (
	"fmt"
	"path"
	"strings"
	"unicode/utf8"
)

// Control characters. A field of an input (BibTeX, RIS, CSL-JSON, coding sheet, Kring batch
// file) may hold tab and newline, and CR only as part of a CRLF line end; every other C0 control
// (U+0000–U+001F, NUL and ESC among them), DEL (U+007F), the C1 controls (U+0080–U+009F) and the
// line and paragraph separators U+2028 and U+2029 are rejected. The separators are not controls,
// but they end a line for some tools and not for others (JavaScript, editors), so that line
// numbers stop agreeing and text shows broken; no bibliographic field needs them.

// badRune returns the byte offset and the rune of the first character of s a field may not
// hold, or -1. A CR is allowed only right before a LF.
func badRune(s string) (int, rune) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\t' || c == '\n':
			continue
		case c == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				continue
			}
			return i, '\r'
		case c < 0x20 || c == 0x7f:
			return i, rune(c)
		case c < 0x80:
			continue
		case c == 0xc2 || c == 0xe2: // C1 controls are U+0080–U+009F (C2 80–9F); U+2028/9 are E2 80 A8/A9
			r, _ := utf8.DecodeRuneInString(s[i:])
			if isBadRune(r) {
				return i, r
			}
		}
	}
	return -1, 0
}

// isBadRune says whether r is a character a field may not hold (CR aside).
func isBadRune(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' || r >= 0x7f && r <= 0x9f || r == '\u2028' || r == '\u2029'
}

// controlNames are the names of the C0 controls, DEL and some C1 controls, for messages.
var controlNames = map[rune]string{
	0x00: "NUL", 0x01: "SOH", 0x02: "STX", 0x03: "ETX", 0x04: "EOT", 0x05: "ENQ", 0x06: "ACK", 0x07: "BEL",
	0x08: "BS", 0x0b: "VT", 0x0c: "FF", 0x0d: "CR", 0x0e: "SO", 0x0f: "SI", 0x10: "DLE", 0x11: "DC1",
	0x12: "DC2", 0x13: "DC3", 0x14: "DC4", 0x15: "NAK", 0x16: "SYN", 0x17: "ETB", 0x18: "CAN", 0x19: "EM",
	0x1a: "SUB", 0x1b: "ESC", 0x1c: "FS", 0x1d: "GS", 0x1e: "RS", 0x1f: "US", 0x7f: "DEL", 0x85: "NEL",
	0x2028: "LINE SEPARATOR", 0x2029: "PARAGRAPH SEPARATOR",
}

// controlMessage is the problem message for a character a field may not hold.
func controlMessage(r rune) string {
	name := controlNames[r]
	if name == "" {
		name = "C1 control"
	}
	what := "control character"
	if r == '\u2028' || r == '\u2029' {
		what = "character"
	} else if r == '\r' {
		return "control character U+000D (CR) not followed by a newline is not allowed: use LF or CRLF line ends"
	}
	return fmt.Sprintf("%s U+%04X (%s) is not allowed: remove it", what, r, name)
}

// advance returns the 1-based line and column (in characters) reached from line, col after s.
func advance(line, col int, s string) (int, int) {
	for _, r := range s {
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// maxFileName is the longest file name (in characters) a batch keeps.
const maxFileName = 200

// CleanFileName returns the name of an uploaded or given file as a batch stores it: plain text,
// its last path component only (either slash), without control characters (each replaced by
// U+FFFD) and at most 200 characters (the end, with the extension, is kept). HTML-significant
// characters are kept as they are: names are plain text, and whoever shows them escapes them (the
// explorer does). An empty result is "upload".
func CleanFileName(name string) string {
	name = strings.ToValidUTF8(name, "\uFFFD")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || isBadRune(r) {
			return '\uFFFD'
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "." || name == ".." {
		name = ""
	}
	if n := utf8.RuneCountInString(name); n > maxFileName {
		ext := path.Ext(name)
		if utf8.RuneCountInString(ext) > 20 {
			ext = ""
		}
		keep := []rune(strings.TrimSuffix(name, ext))
		name = string(keep[:maxFileName-1-utf8.RuneCountInString(ext)]) + "…" + ext
	}
	if name == "" {
		return "upload"
	}
	return name
}
