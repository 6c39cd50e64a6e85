package elbaccess

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestPathOf(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := PathOf(in); got != want {
			t.Fatalf("PathOf(%q) = %q, want %q", in, got, want)
		}
	}
	f("https://shop.example.com:443/api/cart?id=3", "/api/cart")
	f("http://10.0.0.1:80/", "/")
	f("http://my-alb.eu-west-1.elb.amazonaws.com:80-", "-")
	f("https://h:443/a b/c?q=1 2", "/a b/c")
	f("h2://h:443/x//y", "/x//y")
	f("/plain/path?x", "/plain/path")
	f("", "-")
	f("-", "-")
	f("wss://h:443/socket", "/socket")
	f("https://h:443?x=1", "-")
}

func TestUniform(t *testing.T) {
	build := func(vals ...string) *array.String {
		b := array.NewStringBuilder(memory.NewGoAllocator())
		defer b.Release()
		for _, v := range vals {
			if v == "<null>" {
				b.AppendNull()
			} else {
				b.Append(v)
			}
		}
		return b.NewStringArray()
	}
	f := func(want string, wantSame bool, vals ...string) {
		t.Helper()
		a := build(vals...)
		defer a.Release()
		if got, same := Uniform(a); got != want || same != wantSame {
			t.Fatalf("Uniform(%q) = %q, %v; want %q, %v", vals, got, same, want, wantSame)
		}
	}
	f("app/a/1", true, "app/a/1")
	f("app/a/1", true, "app/a/1", "app/a/1", "app/a/1")
	f("", false, "app/a/1", "app/b/1", "app/a/1")
	f("", false, "app/a/1", "app/a/2") // same length, other bytes
	f("", false, "aa", "ab")
	f("", false, "app/a/1", "app/ab/1")
	f("", false, "x", "<null>", "x")
	f("", true, "", "")
	f("", false)

	// A slice of an array is judged on its own rows.
	a := build("app/b/1", "app/a/1", "app/a/1")
	defer a.Release()
	s := array.NewSlice(a, 1, 3).(*array.String)
	defer s.Release()
	if got, same := Uniform(s); got != "app/a/1" || !same {
		t.Fatalf("uniform of the slice = %q, %v", got, same)
	}
}
