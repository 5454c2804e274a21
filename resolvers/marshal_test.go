package resolvers

import (
	"encoding/json"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// marshalResponse must write exactly what json.Marshal writes, only faster.
func TestMarshalResponse(t *testing.T) {
	yes := true
	for name, resp := range map[string]*graphql.Response{
		"data":        {Data: json.RawMessage(`{"a":"<Genk> & co","b":[1,2.5,null],"c":{"d":"\u00e9\n"}}`)},
		"null data":   {},
		"errors":      {Errors: gqlerror.List{{Message: "x <y>", Extensions: map[string]any{"code": "NOT_FOUND"}}}, Data: json.RawMessage(`{"m":null}`)},
		"extensions":  {Data: json.RawMessage(`{}`), Extensions: map[string]any{"cost": 3}},
		"incremental": {Data: json.RawMessage(`{}`), Label: "l", HasNext: &yes},
	} {
		want, err := json.Marshal(resp)
		if err != nil {
			t.Fatal(err)
		}
		got, err := marshalResponse(resp)
		if err != nil || string(got) != string(want) {
			t.Errorf("%s: marshalResponse = %s, %v; want %s", name, got, err, want)
		}
	}
}
