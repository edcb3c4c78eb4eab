//! The bridge to `serde_json`: [`from_slice`] hands a validated document to
//! it through a thin wrapper that gives every error a kind and a path.
//!
//! # How an error gets its kind and its path
//!
//! `serde_json`'s own errors are text, and its messages quote the input
//! (`invalid type: string "hunter2", expected u32`). Reading a kind back
//! out of that text would break silently whenever `serde_json` rewords a
//! message, and the text must never reach a log. So the target type never
//! talks to `serde_json` directly. It talks to [`De`], a `Deserializer`
//! whose error type is ours ([`Fault`]), so serde's derived code reports
//! *structurally* what went wrong: `missing_field`, `unknown_field`,
//! `invalid_type`, `invalid_length`, `invalid_value` each become an
//! [`ErrorKind`] and drop their arguments (which may hold input). A
//! validated type of this crate refuses a value with `custom(error)`,
//! where `error` is our own [`Error`]; [`Fault`] reads its kind back from
//! that `Display` form, which this crate writes and reads itself
//! (`Error::kind_of_message`): `serde_json` never sees or rewords it.
//!
//! For value types, [`De`] asks `serde_json` for *any* value
//! (`deserialize_any`) and lets the target's visitor judge the type, so a
//! type mismatch is the visitor's `invalid_type` through our error type,
//! not a `serde_json` message. Map keys, options, enums, newtypes, bytes,
//! 128-bit integers and ignored values keep their own `serde_json` method,
//! whose behaviour they need. An error `serde_json` still raises itself
//! (after [`validate`](super::validate) only a shape it refuses: a number
//! beyond `f64`, a value where an enum is expected) is never read: its kind
//! comes from where it happened (an enum: [`ErrorKind::WrongType`];
//! elsewhere: [`ErrorKind::Deserialize`]).
//!
//! Between our wrappers, an error has to travel through `serde_json` as a
//! `serde_json::Error`. It goes as an empty placeholder (or as the error
//! `serde_json` gave us, which carries the position); what it means waits
//! beside it in [`Run`] and is picked up by the next wrapper out. Nothing
//! is kept once the error has passed.
//!
//! The path is the chain of wrappers' places ([`Chain`]): a struct field
//! or an enum variant only when the key equals a name from the target
//! type's own list (a `&'static str` of the program, never the input), an
//! array index, or `?` for a map key, whose text is input. One segment per
//! nesting level, and [`validate`](super::validate) bounds the nesting, so
//! the path is bounded; it is built once, when an error is first seen.

use alloc::string::String;
use core::cell::Cell;
use core::fmt::{self, Write};
use core::marker::PhantomData;

use ::serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IgnoredAny, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

use super::JsonError;
use crate::{Error, ErrorKind};

/// Deserializes a validated document into `T`.
pub(super) fn from_slice<'de, T: de::Deserialize<'de>>(input: &'de [u8]) -> Result<T, JsonError> {
    let run = Run::default();
    let root = Chain::Root;
    let ctx = Ctx::value(&root, &run);
    let mut json = serde_json::Deserializer::from_slice(input);
    let value = Seed {
        seed: PhantomData::<T>,
        ctx,
    }
    .deserialize(&mut json)
    .and_then(|value| json.end().map(|()| value));
    value.map_err(|e| {
        // Every error passes through a wrapper, which leaves its meaning
        // here; `Deserialize` is only a fallback.
        let info = run
            .in_flight
            .take()
            .unwrap_or(Info::new(ErrorKind::Deserialize));
        let mut offset = offset_of_line_column(input, e.line(), e.column());
        if info.kind == ErrorKind::UnknownField {
            offset = key_start(input, offset);
        }
        let path = info
            .path
            .filter(|p| !p.is_empty())
            .map(String::into_boxed_str);
        JsonError::new(Error::new(info.kind, offset), path)
    })
}

/// The byte offset of a 1-based line and byte column (`serde_json`'s
/// position: the last byte it read).
fn offset_of_line_column(input: &[u8], line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        input
            .iter()
            .enumerate()
            .filter(|&(_, &b)| b == b'\n')
            .nth(line - 2)
            .map_or(input.len(), |(i, _)| i + 1)
    };
    line_start
        .saturating_add(column.saturating_sub(1))
        .min(input.len())
}

/// The opening quote of the key whose closing quote is at `end` (where
/// `serde_json` stops after an unknown key), so the offset names the key's
/// start as [`validate`](super::validate) does for a duplicate. In a valid
/// document the first quote before `end` not escaped by an odd number of
/// backslashes is the opening one. Anything else keeps `end`.
fn key_start(input: &[u8], end: usize) -> usize {
    if input.get(end) != Some(&b'"') {
        return end;
    }
    let mut i = end;
    while let Some(before) = i.checked_sub(1) {
        i = before;
        if input.get(i) == Some(&b'"') {
            let backslashes = input
                .get(..i)
                .unwrap_or_default()
                .iter()
                .rev()
                .take_while(|&&b| b == b'\\')
                .count();
            if backslashes % 2 == 0 {
                return i;
            }
        }
    }
    end
}

/// What one run shares: the meaning of the error travelling through
/// `serde_json`, and the field name the last key matched.
#[derive(Default)]
struct Run {
    in_flight: Cell<Option<Info>>,
    key: Cell<Option<&'static str>>,
}

/// What an error means: its kind and, once a wrapper has seen it, where.
#[derive(Debug)]
struct Info {
    kind: ErrorKind,
    /// The field a `missing_field` or `duplicate_field` names: a name from
    /// the target type, appended to the path.
    field: Option<&'static str>,
    /// `None` until located; `Some("")` at the root.
    path: Option<String>,
}

impl Info {
    const fn new(kind: ErrorKind) -> Self {
        Self {
            kind,
            field: None,
            path: None,
        }
    }

    /// Records where the error is, if that is not known yet (the innermost
    /// place wins).
    fn locate(&mut self, chain: &Chain<'_>) {
        if self.path.is_none() {
            let mut path = String::new();
            chain.write(&mut path);
            if let Some(field) = self.field {
                push_name(&mut path, field);
            }
            self.path = Some(path);
        }
    }
}

/// Where a value sits in the target type, innermost last.
enum Chain<'a> {
    Root,
    /// A struct field or enum variant whose key equals one of the type's
    /// names.
    Field(&'a Chain<'a>, &'static str),
    /// An array element.
    Index(&'a Chain<'a>, usize),
    /// A map entry (or a key the type does not name): its key is input and
    /// is never written.
    Entry(&'a Chain<'a>),
}

impl Chain<'_> {
    /// Writes the path, `broker.url` or `topics[2]` style. Recurses once per
    /// nesting level, which `validate` bounds.
    fn write(&self, out: &mut String) {
        match *self {
            Self::Root => {}
            Self::Field(parent, name) => {
                parent.write(out);
                push_name(out, name);
            }
            Self::Index(parent, index) => {
                parent.write(out);
                // Writing to a `String` cannot fail.
                let _ = write!(out, "[{index}]");
            }
            Self::Entry(parent) => {
                parent.write(out);
                push_name(out, "?");
            }
        }
    }
}

fn push_name(path: &mut String, name: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(name);
}

/// What every wrapper carries.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    chain: &'a Chain<'a>,
    run: &'a Run,
    /// The names a key may match: the struct's fields or the enum's
    /// variants.
    names: &'static [&'static str],
    /// Deserializing a map key or a variant name (forwarded unchanged, and
    /// matched against `names`) rather than a value.
    key: bool,
    /// A struct is expected: only a JSON object will do (F8). serde's
    /// derived structs also accept an array of their fields in order,
    /// which would let a document fill `broker` without naming it.
    object_only: bool,
}

impl<'a> Ctx<'a> {
    const fn value(chain: &'a Chain<'a>, run: &'a Run) -> Self {
        Self {
            chain,
            run,
            names: &[],
            key: false,
            object_only: false,
        }
    }
}

/// The error type the target type sees. Its `Display` is the kind only:
/// neither a message nor the carried `serde_json` error is ever shown.
struct Fault<E> {
    info: Info,
    /// The error `serde_json` gave us, if the fault came out of it: handed
    /// back on the way out, so the position it carries is kept.
    carrier: Option<E>,
}

/// The message of the placeholder that carries a fault through
/// `serde_json`; never shown (only the position `serde_json` adds is read).
const PLACEHOLDER: &str = "rejected";

impl<E: de::Error> Fault<E> {
    const fn new(kind: ErrorKind) -> Self {
        Self {
            info: Info::new(kind),
            carrier: None,
        }
    }

    /// An error `serde_json` returned to a wrapper at `ctx`: the fault in
    /// flight if one of ours is, else one `serde_json` raised itself, which
    /// is never read and gets the kind `foreign`.
    fn from_inner(error: E, ctx: Ctx<'_>, foreign: ErrorKind) -> Self {
        let mut info = ctx.run.in_flight.take().unwrap_or(Info::new(foreign));
        info.locate(ctx.chain);
        Self {
            info,
            carrier: Some(error),
        }
    }

    /// The error to hand to `serde_json` at `ctx`; the meaning waits in
    /// [`Run`] for the next wrapper out.
    fn into_inner(mut self, ctx: Ctx<'_>) -> E {
        self.info.locate(ctx.chain);
        ctx.run.in_flight.set(Some(self.info));
        self.carrier.unwrap_or_else(|| E::custom(PLACEHOLDER))
    }
}

impl<E> fmt::Display for Fault<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.info.kind.as_str())
    }
}

impl<E> fmt::Debug for Fault<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fault")
            .field("kind", &self.info.kind)
            .finish_non_exhaustive()
    }
}

impl<E: de::Error> de::StdError for Fault<E> {}

/// Each report keeps its kind and drops its arguments: the unexpected
/// value, a key's text and a variant's name are input.
impl<E: de::Error> de::Error for Fault<E> {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        // Our own validated types report `Error`'s `Display` form; any
        // other message (which may quote the input) is dropped.
        Self::new(Error::kind_of_message(&msg).unwrap_or(ErrorKind::Deserialize))
    }

    fn invalid_type(_: de::Unexpected<'_>, _: &dyn de::Expected) -> Self {
        Self::new(ErrorKind::WrongType)
    }

    fn invalid_value(_: de::Unexpected<'_>, _: &dyn de::Expected) -> Self {
        Self::new(ErrorKind::InvalidValue)
    }

    fn invalid_length(_: usize, _: &dyn de::Expected) -> Self {
        Self::new(ErrorKind::WrongLength)
    }

    fn unknown_variant(_: &str, _: &'static [&'static str]) -> Self {
        Self::new(ErrorKind::InvalidValue)
    }

    fn unknown_field(_: &str, _: &'static [&'static str]) -> Self {
        Self::new(ErrorKind::UnknownField)
    }

    fn missing_field(field: &'static str) -> Self {
        let mut fault = Self::new(ErrorKind::MissingField);
        fault.info.field = Some(field);
        fault
    }

    fn duplicate_field(field: &'static str) -> Self {
        let mut fault = Self::new(ErrorKind::DuplicateKey);
        fault.info.field = Some(field);
        fault
    }
}

/// Wraps a seed: the target sees [`De`].
struct Seed<'a, S> {
    seed: S,
    ctx: Ctx<'a>,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<'_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<S::Value, D::Error> {
        let ctx = self.ctx;
        self.seed
            .deserialize(De { de, ctx })
            .map_err(|fault| fault.into_inner(ctx))
    }
}

/// Wraps a `serde_json` deserializer: our error type, and values through
/// `deserialize_any` (see the module documentation).
struct De<'a, D> {
    de: D,
    ctx: Ctx<'a>,
}

impl<'de, D: Deserializer<'de>> De<'_, D> {
    /// Any value; the visitor judges its type.
    fn any<V: Visitor<'de>>(
        self,
        visitor: V,
        names: &'static [&'static str],
        object_only: bool,
    ) -> Result<V::Value, Fault<D::Error>> {
        let ctx = Ctx {
            names,
            object_only,
            ..self.ctx
        };
        self.de
            .deserialize_any(Vis { visitor, ctx })
            .map_err(|e| Fault::from_inner(e, ctx, ErrorKind::Deserialize))
    }
}

/// Methods whose value is read with `deserialize_any` (keys keep theirs).
macro_rules! via_any {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, Self::Error> {
            if !self.ctx.key {
                return self.any(visitor, &[], false);
            }
            let ctx = self.ctx;
            self.de
                .$method($($arg,)* Vis { visitor, ctx })
                .map_err(|e| Fault::from_inner(e, ctx, ErrorKind::Deserialize))
        }
    )*};
}

/// Methods forwarded unchanged; an error `serde_json` raises there gets
/// kind `$foreign`.
macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*) => $foreign:expr;)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, Self::Error> {
            let ctx = self.ctx;
            self.de
                .$method($($arg,)* Vis { visitor, ctx })
                .map_err(|e| Fault::from_inner(e, ctx, $foreign))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for De<'_, D> {
    type Error = Fault<D::Error>;

    via_any! {
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_identifier();
    }

    forward! {
        deserialize_i128() => ErrorKind::Deserialize;
        deserialize_u128() => ErrorKind::Deserialize;
        deserialize_bytes() => ErrorKind::WrongType;
        deserialize_byte_buf() => ErrorKind::WrongType;
        deserialize_option() => ErrorKind::Deserialize;
        deserialize_newtype_struct(name: &'static str) => ErrorKind::Deserialize;
        deserialize_ignored_any() => ErrorKind::Deserialize;
    }

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        if !self.ctx.key {
            return self.any(visitor, &[], false);
        }
        let ctx = self.ctx;
        self.de
            .deserialize_any(Vis { visitor, ctx })
            .map_err(|e| Fault::from_inner(e, ctx, ErrorKind::Deserialize))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        if !self.ctx.key {
            return self.any(visitor, fields, true);
        }
        let ctx = self.ctx;
        self.de
            .deserialize_struct(name, fields, Vis { visitor, ctx })
            .map_err(|e| Fault::from_inner(e, ctx, ErrorKind::Deserialize))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        let ctx = Ctx {
            names: variants,
            ..self.ctx
        };
        // After `validate`, `serde_json` refuses an enum only for its shape
        // (a number, an array, an object with more than one key).
        self.de
            .deserialize_enum(name, variants, Vis { visitor, ctx })
            .map_err(|e| Fault::from_inner(e, ctx, ErrorKind::WrongType))
    }

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

/// Wraps the target's visitor: it sees our error type and our accessors.
struct Vis<'a, V> {
    visitor: V,
    ctx: Ctx<'a>,
}

impl<V> Vis<'_, V> {
    /// A key: remembers the type's own name it equals, if any.
    fn capture(&self, text: &str) {
        if self.ctx.key {
            let name = self.ctx.names.iter().copied().find(|&n| n == text);
            self.ctx.run.key.set(name);
        }
    }
}

/// `visit_*` methods that take a plain value.
macro_rules! visit_values {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<V::Value, E> {
            let ctx = self.ctx;
            self.visitor
                .$method::<Fault<E>>(v)
                .map_err(|fault| fault.into_inner(ctx))
        }
    )*};
}

/// `visit_*` methods that take a key's text.
macro_rules! visit_texts {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<V::Value, E> {
            self.capture(&v);
            let ctx = self.ctx;
            self.visitor
                .$method::<Fault<E>>(v)
                .map_err(|fault| fault.into_inner(ctx))
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Vis<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    visit_values! {
        visit_bool(bool);
        visit_i8(i8);
        visit_i16(i16);
        visit_i32(i32);
        visit_i64(i64);
        visit_i128(i128);
        visit_u8(u8);
        visit_u16(u16);
        visit_u32(u32);
        visit_u64(u64);
        visit_u128(u128);
        visit_f32(f32);
        visit_f64(f64);
        visit_char(char);
        visit_bytes(&[u8]);
        visit_borrowed_bytes(&'de [u8]);
        visit_byte_buf(alloc::vec::Vec<u8>);
    }

    visit_texts! {
        visit_str(&str);
        visit_borrowed_str(&'de str);
        visit_string(String);
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        let ctx = self.ctx;
        self.visitor
            .visit_none::<Fault<E>>()
            .map_err(|fault| fault.into_inner(ctx))
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        let ctx = self.ctx;
        self.visitor
            .visit_unit::<Fault<E>>()
            .map_err(|fault| fault.into_inner(ctx))
    }

    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<V::Value, D::Error> {
        let ctx = self.ctx;
        self.visitor
            .visit_some(De { de, ctx })
            .map_err(|fault| fault.into_inner(ctx))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, de: D) -> Result<V::Value, D::Error> {
        let ctx = self.ctx;
        self.visitor
            .visit_newtype_struct(De { de, ctx })
            .map_err(|fault| fault.into_inner(ctx))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<V::Value, A::Error> {
        let ctx = self.ctx;
        if ctx.object_only && !ctx.key {
            return Err(Fault::new(ErrorKind::WrongType).into_inner(ctx));
        }
        let value = self
            .visitor
            .visit_seq(Seq {
                seq: &mut seq,
                ctx,
                index: 0,
            })
            .map_err(|fault| fault.into_inner(ctx))?;
        // A visitor that stopped early (a tuple, a fixed-size array) left
        // elements: the length is wrong.
        if seq.next_element::<IgnoredAny>()?.is_some() {
            return Err(Fault::new(ErrorKind::WrongLength).into_inner(ctx));
        }
        Ok(value)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        let ctx = self.ctx;
        self.visitor
            .visit_map(Map {
                map,
                ctx,
                key: None,
            })
            .map_err(|fault| fault.into_inner(ctx))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        let ctx = self.ctx;
        self.visitor
            .visit_enum(Enum { data, ctx })
            .map_err(|fault| fault.into_inner(ctx))
    }
}

/// Wraps an array: each element's place is its index.
struct Seq<'a, A> {
    seq: A,
    ctx: Ctx<'a>,
    index: usize,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Seq<'_, A> {
    type Error = Fault<A::Error>;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Self::Error> {
        let chain = Chain::Index(self.ctx.chain, self.index);
        self.index = self.index.saturating_add(1);
        let ctx = Ctx::value(&chain, self.ctx.run);
        self.seq
            .next_element_seed(Seed { seed, ctx })
            .map_err(|e| Fault::from_inner(e, ctx, ErrorKind::Deserialize))
    }

    fn size_hint(&self) -> Option<usize> {
        self.seq.size_hint()
    }
}

/// Wraps an object: a value's place is the field its key names, or `?`.
struct Map<'a, A> {
    map: A,
    ctx: Ctx<'a>,
    /// The type's own name the last key equals.
    key: Option<&'static str>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Map<'_, A> {
    type Error = Fault<A::Error>;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        let ctx = Ctx {
            key: true,
            ..self.ctx
        };
        ctx.run.key.set(None);
        let key = self
            .map
            .next_key_seed(Seed { seed, ctx })
            .map_err(|e| Fault::from_inner(e, ctx, ErrorKind::Deserialize));
        self.key = ctx.run.key.take();
        key
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<S::Value, Self::Error> {
        let chain = match self.key.take() {
            Some(name) => Chain::Field(self.ctx.chain, name),
            None => Chain::Entry(self.ctx.chain),
        };
        let ctx = Ctx::value(&chain, self.ctx.run);
        self.map
            .next_value_seed(Seed { seed, ctx })
            .map_err(|e| Fault::from_inner(e, ctx, ErrorKind::Deserialize))
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// Wraps an enum: the variant's name is matched like a key.
struct Enum<'a, A> {
    data: A,
    ctx: Ctx<'a>,
}

impl<'a, 'de, A: EnumAccess<'de>> EnumAccess<'de> for Enum<'a, A> {
    type Error = Fault<A::Error>;
    type Variant = Variant<'a, A::Variant>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self::Variant), Self::Error> {
        let ctx = self.ctx;
        ctx.run.key.set(None);
        let (value, access) = self
            .data
            .variant_seed(Seed {
                seed,
                ctx: Ctx { key: true, ..ctx },
            })
            .map_err(|e| Fault::from_inner(e, ctx, ErrorKind::Deserialize))?;
        let name = ctx.run.key.take();
        Ok((value, Variant { access, ctx, name }))
    }
}

/// Wraps a variant's content: its place is the variant's name.
struct Variant<'a, A> {
    access: A,
    ctx: Ctx<'a>,
    name: Option<&'static str>,
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Variant<'_, A> {
    type Error = Fault<A::Error>;

    // After `validate`, `serde_json` refuses a variant's content only for
    // its shape (content for a unit variant, none for another).
    fn unit_variant(self) -> Result<(), Self::Error> {
        let ctx = self.ctx;
        self.access
            .unit_variant()
            .map_err(|e| Fault::from_inner(e, ctx, ErrorKind::WrongType))
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, Self::Error> {
        let chain = variant_chain(self.ctx.chain, self.name);
        let ctx = Ctx::value(&chain, self.ctx.run);
        self.access
            .newtype_variant_seed(Seed { seed, ctx })
            .map_err(|e| Fault::from_inner(e, ctx, ErrorKind::WrongType))
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        let chain = variant_chain(self.ctx.chain, self.name);
        let ctx = Ctx::value(&chain, self.ctx.run);
        self.access
            .tuple_variant(len, Vis { visitor, ctx })
            .map_err(|e| Fault::from_inner(e, ctx, ErrorKind::WrongType))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        let chain = variant_chain(self.ctx.chain, self.name);
        let ctx = Ctx {
            names: fields,
            object_only: true,
            ..Ctx::value(&chain, self.ctx.run)
        };
        self.access
            .struct_variant(fields, Vis { visitor, ctx })
            .map_err(|e| Fault::from_inner(e, ctx, ErrorKind::WrongType))
    }
}

fn variant_chain<'a>(parent: &'a Chain<'a>, name: Option<&'static str>) -> Chain<'a> {
    match name {
        Some(name) => Chain::Field(parent, name),
        None => Chain::Entry(parent),
    }
}

#[cfg(test)]
mod tests {
    use super::key_start;

    #[test]
    fn key_start_finds_the_opening_quote() {
        let doc = br#"{"a": 1, "b\"\\": 2}"#;
        let end = doc.iter().rposition(|&b| b == b'"').unwrap();
        assert_eq!(key_start(doc, end), 9);
        assert_eq!(key_start(br#"{"k":1}"#, 3), 1);
        // Not at a quote: unchanged.
        assert_eq!(key_start(br#"{"k":1}"#, 5), 5);
    }
}
