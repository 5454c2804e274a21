package graph

import (
	"fmt"
	"io"
)

// controlEscaper writes through to w with every control character other than newline (C0 and
// DEL, C1 controls U+0080–U+009F) and U+2028/U+2029 written as a \uXXXX escape, which N-Quads
// (UCHAR) and JSON both read back as the same character: an export never holds them raw. The
// N-Quads and JSON-LD writers already escape tab, CR and newline inside values, so a raw newline
// is a line end.
type controlEscaper struct {
	w     io.Writer
	carry []byte // the start of a UTF-8 sequence split between writes
	buf   []byte
}

func (e *controlEscaper) Write(p []byte) (int, error) {
	n := len(p)
	if len(e.carry) > 0 {
		p = append(e.carry, p...)
		e.carry = nil
	}
	out := e.buf[:0]
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c < 0x20 && c != '\n' || c == 0x7f:
			out = fmt.Appendf(out, `\u%04X`, c)
		case c == 0xc2 || c == 0xe2:
			need := 2
			if c == 0xe2 {
				need = 3
			}
			if i+need > len(p) {
				e.carry = append([]byte(nil), p[i:]...)
				i = len(p)
				continue
			}
			switch {
			case c == 0xc2 && p[i+1] >= 0x80 && p[i+1] <= 0x9f:
				out = fmt.Appendf(out, `\u%04X`, p[i+1])
				i++
			case c == 0xe2 && p[i+1] == 0x80 && (p[i+2] == 0xa8 || p[i+2] == 0xa9):
				out = fmt.Appendf(out, `\u%04X`, 0x2000|uint16(p[i+2]-0x80))
				i += 2
			default:
				out = append(out, c)
			}
		default:
			out = append(out, c)
		}
	}
	e.buf = out
	if _, err := e.w.Write(out); err != nil {
		return 0, err
	}
	return n, nil
}

// flush writes what is left of a split sequence (only an invalid one stays split).
func (e *controlEscaper) flush() error {
	if len(e.carry) == 0 {
		return nil
	}
	_, err := e.w.Write(e.carry)
	e.carry = nil
	return err
}
