package mask

import (
	"reflect"
)

// Deep returns a copy of v in which every string a user could have put a
// value into is masked: each exported field, slice element, map key and
// value of type string (the plain string type: named string types such as
// statuses are the program's vocabulary, not user data, and stay as they
// are), and every error, which becomes an error whose message is masked.
// It walks pointers, structs, slices, maps and interfaces, so a field
// added to a result or event type later is masked without anyone having to
// remember it. Unexported fields are copied as they are; v itself is never
// modified. A nil or empty Masker returns v unchanged.
func Deep[T any](m *Masker, v T) T {
	if m.Empty() {
		return v
	}
	rv := reflect.ValueOf(&v).Elem()
	out := reflect.New(rv.Type()).Elem()
	d := deep{m: m, seen: map[uintptr]reflect.Value{}}
	out.Set(d.value(rv))
	return out.Interface().(T)
}

// Error returns err with its message masked, or err itself when nothing
// in it is secret. The masked error does not unwrap to err: a caller
// that could reach the original through errors.As could print it.
func (m *Masker) Error(err error) error {
	if err == nil || m.Empty() {
		return err
	}
	msg := err.Error()
	if masked := m.String(msg); masked != msg {
		return maskedError(masked)
	}
	return err
}

type maskedError string

func (e maskedError) Error() string { return string(e) }

var (
	errorType  = reflect.TypeFor[error]()
	stringType = reflect.TypeFor[string]()
)

// deep carries one walk; seen maps pointers already copied to their
// copies, so shared and cyclic structures stay shared and terminate.
type deep struct {
	m    *Masker
	seen map[uintptr]reflect.Value
}

func (d deep) value(v reflect.Value) reflect.Value {
	if v.Type() == errorType {
		if v.IsNil() {
			return v
		}
		return reflect.ValueOf(d.m.Error(v.Interface().(error))).Convert(errorType)
	}
	switch v.Kind() {
	case reflect.String:
		if v.Type() == stringType {
			return reflect.ValueOf(d.m.String(v.String()))
		}
	case reflect.Pointer:
		return d.pointer(v)
	case reflect.Struct:
		return d.structure(v)
	case reflect.Slice:
		return d.slice(v)
	case reflect.Array:
		out := reflect.New(v.Type()).Elem()
		for i := range v.Len() {
			out.Index(i).Set(d.value(v.Index(i)))
		}
		return out
	case reflect.Map:
		return d.mapping(v)
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		if c := d.value(v.Elem()); c.Type().AssignableTo(v.Type()) {
			out := reflect.New(v.Type()).Elem()
			out.Set(c)
			return out
		}
	}
	return v
}

func (d deep) pointer(v reflect.Value) reflect.Value {
	if v.IsNil() {
		return v
	}
	if c, ok := d.seen[v.Pointer()]; ok {
		return c
	}
	out := reflect.New(v.Type().Elem())
	d.seen[v.Pointer()] = out
	out.Elem().Set(d.value(v.Elem()))
	return out
}

func (d deep) structure(v reflect.Value) reflect.Value {
	out := reflect.New(v.Type()).Elem()
	out.Set(v) // unexported fields as they are
	for i := range v.NumField() {
		if f := v.Type().Field(i); f.IsExported() {
			out.Field(i).Set(d.value(v.Field(i)))
		}
	}
	return out
}

func (d deep) slice(v reflect.Value) reflect.Value {
	if v.IsNil() {
		return v
	}
	if v.Type().Elem().Kind() == reflect.Uint8 {
		b := d.m.Bytes(v.Bytes())
		return reflect.ValueOf(append([]byte(nil), b...)).Convert(v.Type())
	}
	out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
	for i := range v.Len() {
		out.Index(i).Set(d.value(v.Index(i)))
	}
	return out
}

func (d deep) mapping(v reflect.Value) reflect.Value {
	if v.IsNil() {
		return v
	}
	out := reflect.MakeMapWithSize(v.Type(), v.Len())
	it := v.MapRange()
	for it.Next() {
		out.SetMapIndex(d.value(it.Key()), d.value(it.Value()))
	}
	return out
}
