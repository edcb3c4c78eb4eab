//! The bytes on the medium: records, the manifest and the index (table) they
//! carry. The layout is documented for users in [`crate::manual`]; every
//! decoder here is bounded and returns [`Error::Integrity`] for anything it
//! did not write.

use std::collections::BTreeMap;
use std::ops::Range;

use zeroize::{Zeroize, Zeroizing};

use crate::Error;
use crate::crypto::{
    Algorithm, DATA_KEY_LEN, DataKey, KEY_CHECK_LEN, NONCE_LEN, STORE_ID_LEN, TAG_LEN,
};
use crate::name::{self, MAX_NAME_LEN};

/// The format version this crate writes and reads. Version 1 (never
/// released) also bound a domain string and the store id as associated data
/// of each record; see the manual for why version 2 does not.
pub(crate) const FORMAT_VERSION: u8 = 2;
/// Entry flag: written with `put_write_once`.
pub(crate) const FLAG_WRITE_ONCE: u8 = 0x01;
const KNOWN_FLAGS: u8 = FLAG_WRITE_ONCE;

const RECORD_MAGIC: [u8; 4] = *b"IOSR";
/// magic 4 | version 1 | algorithm 1 | flags 1 | reserved 1 | key version 4 | generation 8 | nonce 12
pub(crate) const RECORD_HEADER_LEN: usize = 32;
/// The header bytes that are a record's associated data: all but the nonce,
/// which the AEAD authenticates by construction.
const RECORD_AUTH_LEN: usize = 20;

/// The name of the manifest object.
pub(crate) const MANIFEST_NAME: &str = "manifest";
const MANIFEST_MAGIC: [u8; 4] = *b"IOSM";
/// magic 4 | version 1 | algorithm 1 | flags 1 | reserved 1 | key version 4 | generation 8 | store id 32
/// | key check 16 | nonce 12
const MANIFEST_HEADER_LEN: usize = 80;
const MANIFEST_AUTH_LEN: usize = 52;
const MANIFEST_DOMAIN: &[u8] = b"iot-storage manifest\0";
const MANIFEST_AAD_LEN: usize = MANIFEST_DOMAIN.len() + MANIFEST_AUTH_LEN;
/// rotation marker 1 | old key version 4 | old algorithm 1 | old key 32
const PREVIOUS_KEY_LEN: usize = 1 + 4 + 1 + DATA_KEY_LEN;

/// Bytes one table entry takes at most: name length, name, generation, flags.
const MAX_TABLE_ENTRY_LEN: usize = 1 + MAX_NAME_LEN + 8 + 1;

/// Hard ceilings whatever the options say, so every length fits the formats
/// and no decoder allocates without bound.
pub(crate) const HARD_MAX_VALUE_LEN: usize = 16 * 1024 * 1024;
pub(crate) const HARD_MAX_ENTRIES: usize = 4096;

/// The longest object (record or manifest) any store writes, whatever its
/// options: anything longer under an object's name is not ours. Bounds what
/// the erase path overwrites and tells damage apart from a store opened with
/// too small a limit.
pub(crate) const HARD_MAX_OBJECT_LEN: usize = {
    let hard = Limits {
        max_value_len: HARD_MAX_VALUE_LEN,
        max_entries: HARD_MAX_ENTRIES,
    };
    let record = hard.max_record_len();
    let manifest = hard.max_manifest_len();
    if record > manifest { record } else { manifest }
};

/// The limits a store was opened with; they bound every decoder.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub(crate) max_value_len: usize,
    pub(crate) max_entries: usize,
}

impl Limits {
    const fn max_table_len(self) -> usize {
        2 + self.max_entries * MAX_TABLE_ENTRY_LEN
    }

    /// The longest record a store with these limits writes.
    pub(crate) const fn max_record_len(self) -> usize {
        RECORD_HEADER_LEN + 1 + MAX_NAME_LEN + self.max_table_len() + self.max_value_len + TAG_LEN
    }

    /// The longest manifest a store with these limits writes.
    pub(crate) const fn max_manifest_len(self) -> usize {
        MANIFEST_HEADER_LEN + PREVIOUS_KEY_LEN + self.max_table_len() + TAG_LEN
    }
}

/// What the index knows about one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EntryMeta {
    /// The store generation that wrote the entry's record (also its object name).
    pub(crate) generation: u64,
    pub(crate) flags: u8,
}

/// The index: every live entry, by name.
pub(crate) type Table = BTreeMap<String, EntryMeta>;

/// The object name of the record written at `generation`.
pub(crate) fn record_object_name(generation: u64) -> RecordObjectName {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut name = *b"0000000000000000.rec";
    for (i, digit) in name.iter_mut().take(16).enumerate() {
        let nibble = (generation >> (60 - 4 * i)) & 0xF;
        *digit = HEX.get(nibble as usize).copied().unwrap_or(b'0');
    }
    RecordObjectName(name)
}

/// A record's object name, `<16 lowercase hex digits>.rec`, built without
/// allocating (it is needed on every get and put).
#[derive(Debug, Clone, Copy)]
pub(crate) struct RecordObjectName([u8; 20]);

impl std::ops::Deref for RecordObjectName {
    type Target = str;

    fn deref(&self) -> &str {
        // Always ASCII by construction.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

/// The generation of a record object name, `None` for other objects.
pub(crate) fn parse_record_object_name(object: &str) -> Option<u64> {
    let hex = object.strip_suffix(".rec")?;
    let lower_hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    if hex.len() != 16 || !hex.bytes().all(lower_hex) {
        return None;
    }
    u64::from_str_radix(hex, 16).ok()
}

/// One change applied to the index while encoding it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Change<'a> {
    None,
    Put(&'a str, EntryMeta),
    Remove(&'a str),
}

/// The index as it will be after one change, in name order. Encoded
/// straight from the live table, without copying it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Index<'a> {
    table: &'a Table,
    change: Change<'a>,
}

/// The index of a store without entries.
pub(crate) static EMPTY_TABLE: Table = BTreeMap::new();

impl<'a> Index<'a> {
    pub(crate) fn new(table: &'a Table, change: Change<'a>) -> Index<'a> {
        Index { table, change }
    }

    /// The entries after the change, in name order.
    pub(crate) fn entries(self) -> impl Iterator<Item = (&'a str, EntryMeta)> {
        let (mut added, dropped) = match self.change {
            Change::None => (None, None),
            Change::Put(name, meta) => (Some((name, meta)), Some(name)),
            Change::Remove(name) => (None, Some(name)),
        };
        let mut kept = self
            .table
            .iter()
            .map(|(name, meta)| (name.as_str(), *meta))
            .filter(move |(name, _)| Some(*name) != dropped)
            .peekable();
        std::iter::from_fn(move || match (kept.peek(), added) {
            (Some((next, _)), Some((name, _))) if name < *next => added.take(),
            (None, Some(_)) => added.take(),
            _ => kept.next(),
        })
    }

    /// The number of entries and the encoded length, in one pass.
    fn measure(self) -> (usize, usize) {
        self.entries().fold((0, 2), |(count, len), (name, _)| {
            (count + 1, len + 1 + name.len() + 8 + 1)
        })
    }

    /// Appends the encoded table of `count` entries (from [`Self::measure`]).
    /// The callers reserve the measured length beforehand so that a buffer
    /// holding secrets never reallocates (which would leave an unwiped copy
    /// behind).
    fn encode(self, count: usize, out: &mut Vec<u8>) -> Result<(), Error> {
        let count = u16::try_from(count).map_err(|_| Error::TooManyEntries {
            max: HARD_MAX_ENTRIES,
        })?;
        out.extend_from_slice(&count.to_be_bytes());
        for (name, meta) in self.entries() {
            let len = u8::try_from(name.len()).map_err(|_| Error::InvalidName)?;
            out.push(len);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(&meta.generation.to_be_bytes());
            out.push(meta.flags);
        }
        Ok(())
    }
}

/// A bounded reader over decoded bytes: every read checks the length first.
struct Reader<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, offset: 0 }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        let end = self.offset.checked_add(n).ok_or(Error::Integrity)?;
        let taken = self.bytes.get(self.offset..end).ok_or(Error::Integrity)?;
        self.offset = end;
        Ok(taken)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        <[u8; N]>::try_from(self.take(N)?).map_err(|_| Error::Integrity)
    }

    fn u8(&mut self) -> Result<u8, Error> {
        Ok(u8::from_be_bytes(self.array()?))
    }

    fn u16(&mut self) -> Result<u16, Error> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    fn u32(&mut self) -> Result<u32, Error> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64, Error> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    fn rest(&mut self) -> &'a [u8] {
        let rest = self.bytes.get(self.offset..).unwrap_or_default();
        self.offset = self.bytes.len();
        rest
    }

    fn offset(&self) -> usize {
        self.offset
    }
}

/// Decodes a table, calling `visit` for each entry. Names must be valid and
/// strictly ascending, flags known, generations in `1..=container`.
fn decode_table<'a>(
    reader: &mut Reader<'a>,
    container_generation: u64,
    limits: Limits,
    mut visit: impl FnMut(&'a str, EntryMeta),
) -> Result<(), Error> {
    let count = usize::from(reader.u16()?);
    if count > limits.max_entries {
        return Err(Error::TooManyEntries {
            max: limits.max_entries,
        });
    }
    let mut previous: Option<&str> = None;
    for _ in 0..count {
        let len = usize::from(reader.u8()?);
        let name = std::str::from_utf8(reader.take(len)?).map_err(|_| Error::Integrity)?;
        name::validate(name).map_err(|_| Error::Integrity)?;
        if previous.is_some_and(|p| p >= name) {
            return Err(Error::Integrity);
        }
        previous = Some(name);
        let generation = reader.u64()?;
        let flags = reader.u8()?;
        if generation == 0 || generation > container_generation || flags & !KNOWN_FLAGS != 0 {
            return Err(Error::Integrity);
        }
        visit(name, EntryMeta { generation, flags });
    }
    Ok(())
}

fn decode_table_map(
    reader: &mut Reader<'_>,
    generation: u64,
    limits: Limits,
) -> Result<Table, Error> {
    let mut table = Table::new();
    decode_table(reader, generation, limits, |name, meta| {
        table.insert(name.to_owned(), meta);
    })?;
    Ok(table)
}

/// Walks an encoded table to the end and returns the line of `name`, if any.
/// Lengths and the entry count are bounded as in [`decode_table`]; names are
/// compared as bytes, not decoded (see [`parse_record_payload`]).
fn find_table_entry(
    reader: &mut Reader<'_>,
    container_generation: u64,
    limits: Limits,
    name: &[u8],
) -> Result<Option<EntryMeta>, Error> {
    let count = usize::from(reader.u16()?);
    if count > limits.max_entries {
        return Err(Error::TooManyEntries {
            max: limits.max_entries,
        });
    }
    let mut found = None;
    for _ in 0..count {
        let len = usize::from(reader.u8()?);
        let entry = reader.take(len)?;
        let generation = reader.u64()?;
        let flags = reader.u8()?;
        if entry == name {
            if generation == 0 || generation > container_generation {
                return Err(Error::Integrity);
            }
            found = Some(EntryMeta { generation, flags });
        }
    }
    Ok(found)
}

/// A buffer that is decrypted in place: wiped on drop. `zeroize` wipes a
/// slice in one pass, several times faster than `Zeroizing<Vec<u8>>`, which
/// goes element by element; decryption never writes past the length, so the
/// spare capacity never holds plaintext.
struct Wiped(Vec<u8>);

impl Drop for Wiped {
    fn drop(&mut self) {
        self.0.as_mut_slice().zeroize();
    }
}

impl std::ops::Deref for Wiped {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl std::ops::DerefMut for Wiped {
    fn deref_mut(&mut self) -> &mut [u8] {
        &mut self.0
    }
}

/// The current data key and, during a rotation, the previous one.
pub(crate) struct KeyRing {
    pub(crate) current: DataKey,
    pub(crate) previous: Option<DataKey>,
}

impl KeyRing {
    fn find(&self, version: u32, algorithm_id: u8) -> Result<&DataKey, Error> {
        [Some(&self.current), self.previous.as_ref()]
            .into_iter()
            .flatten()
            .find(|k| k.version() == version && k.algorithm().id() == algorithm_id)
            .ok_or(Error::Integrity)
    }
}

/// Fields of a record header.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RecordHeader {
    pub(crate) key_version: u32,
    pub(crate) generation: u64,
    pub(crate) flags: u8,
    algorithm_id: u8,
    nonce: [u8; NONCE_LEN],
}

/// Parses a record header (unauthenticated until the record is opened).
pub(crate) fn parse_record_header(bytes: &[u8]) -> Result<RecordHeader, Error> {
    let mut r = Reader::new(bytes);
    let magic: [u8; 4] = r.array()?;
    let version = r.u8()?;
    let algorithm_id = r.u8()?;
    let flags = r.u8()?;
    let reserved = r.u8()?;
    if magic != RECORD_MAGIC
        || version != FORMAT_VERSION
        || reserved != 0
        || flags & !KNOWN_FLAGS != 0
    {
        return Err(Error::Integrity);
    }
    Algorithm::from_id(algorithm_id).ok_or(Error::Integrity)?;
    Ok(RecordHeader {
        key_version: r.u32()?,
        generation: r.u64()?,
        flags,
        algorithm_id,
        nonce: r.array()?,
    })
}

/// A record's associated data: its header up to the nonce (magic, version,
/// algorithm, flags, key version, generation). The store is bound by the key
/// itself (derived with the store id as salt) and the magic keeps records
/// and manifests apart, so nothing else needs hashing on every get and put.
fn record_aad(header: &[u8]) -> Result<&[u8], Error> {
    header.get(..RECORD_AUTH_LEN).ok_or(Error::Integrity)
}

/// What a record being written says.
pub(crate) struct NewRecord<'a> {
    pub(crate) generation: u64,
    pub(crate) flags: u8,
    pub(crate) name: &'a str,
    /// The whole index after this write (it includes this entry).
    pub(crate) index: Index<'a>,
    pub(crate) value: &'a [u8],
}

/// Seals a record.
///
/// Layout: header | AEAD(name length u8 | name | table | value) | tag. The
/// associated data is the header without the nonce.
pub(crate) fn seal_record(
    key: &DataKey,
    nonce: [u8; NONCE_LEN],
    record: &NewRecord<'_>,
) -> Result<Vec<u8>, Error> {
    let name_len = u8::try_from(record.name.len()).map_err(|_| Error::InvalidName)?;
    let (entries, index_len) = record.index.measure();
    let plaintext_len = 1 + record.name.len() + index_len + record.value.len();
    let total = RECORD_HEADER_LEN + plaintext_len + TAG_LEN;
    // Reserved up front: the buffer holds the plaintext and must never
    // reallocate, or an unwiped copy of the secret would be left behind.
    let mut buf = Zeroizing::new(Vec::with_capacity(total));
    buf.extend_from_slice(&RECORD_MAGIC);
    buf.extend_from_slice(&[FORMAT_VERSION, key.algorithm().id(), record.flags, 0]);
    buf.extend_from_slice(&key.version().to_be_bytes());
    buf.extend_from_slice(&record.generation.to_be_bytes());
    buf.extend_from_slice(&nonce);
    buf.push(name_len);
    buf.extend_from_slice(record.name.as_bytes());
    record.index.encode(entries, &mut buf)?;
    buf.extend_from_slice(record.value);
    let (header, plaintext) = buf.split_at_mut(RECORD_HEADER_LEN);
    let aad = record_aad(header)?;
    let tag = key.seal(nonce, aad, plaintext)?;
    buf.extend_from_slice(&tag);
    // The buffer now holds only ciphertext; hand it out without a copy.
    Ok(std::mem::take(&mut *buf))
}

/// An opened record: the decrypted bytes, wiped on drop.
pub(crate) struct OpenedRecord {
    plaintext: Wiped,
    value: Range<usize>,
    pub(crate) header: RecordHeader,
    /// The index the record carries, if it was asked for.
    pub(crate) table: Option<Table>,
}

impl OpenedRecord {
    pub(crate) fn value(&self) -> &[u8] {
        self.plaintext.get(self.value.clone()).unwrap_or_default()
    }
}

/// What a record is opened for, which decides how much of its index is
/// decoded.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RecordUse<'a> {
    /// Reading the value of the entry with this (already validated) name: the
    /// index is only walked to find the entry's own line, in one pass without
    /// decoding names, so a read costs no more than the bytes it skips.
    Entry(&'a str),
    /// Recovering the store's index at open: every name and line is checked
    /// and the index is returned.
    Index,
}

/// Opens the record stored as object `generation`. It must authenticate under
/// one of the key ring's keys, carry that generation in its header, name an
/// entry the record's own index lists at exactly this generation and flags,
/// and (for [`RecordUse::Entry`]) be that entry.
pub(crate) fn open_record(
    keys: &KeyRing,
    generation: u64,
    purpose: RecordUse<'_>,
    limits: Limits,
    bytes: Vec<u8>,
) -> Result<OpenedRecord, Error> {
    let mut buf = Wiped(bytes);
    let header = parse_record_header(&buf)?;
    if header.generation != generation {
        return Err(Error::Integrity);
    }
    let key = keys.find(header.key_version, header.algorithm_id)?;
    let split = RECORD_HEADER_LEN.min(buf.len());
    let (head, sealed) = buf.split_at_mut(split);
    let aad = record_aad(head)?;
    let plaintext_len = key.open(header.nonce, aad, sealed)?.len();

    let plaintext = buf
        .get(RECORD_HEADER_LEN..RECORD_HEADER_LEN + plaintext_len)
        .ok_or(Error::Integrity)?;
    let (table, value) =
        parse_record_payload(plaintext, header.generation, header.flags, purpose, limits)?;
    Ok(OpenedRecord {
        plaintext: buf,
        value: RECORD_HEADER_LEN + value.start..RECORD_HEADER_LEN + value.end,
        header,
        table,
    })
}

/// Parses the decrypted part of a record: name, index, value. Returns the
/// index for [`RecordUse::Index`], and where the value lies in `plaintext`.
///
/// Both uses bound every length by the same reader and the same limits; an
/// entry read skips the per-name checks of the index because the AEAD has
/// already shown that this store wrote it, and it uses none of those names.
pub(crate) fn parse_record_payload(
    plaintext: &[u8],
    generation: u64,
    flags: u8,
    purpose: RecordUse<'_>,
    limits: Limits,
) -> Result<(Option<Table>, Range<usize>), Error> {
    let mut r = Reader::new(plaintext);
    let name_len = usize::from(r.u8()?);
    let name = r.take(name_len)?;
    let (table, own_entry) = match purpose {
        RecordUse::Entry(expected) => {
            // `expected` was validated by the caller; equal bytes are that name.
            if name != expected.as_bytes() {
                return Err(Error::Integrity);
            }
            (None, find_table_entry(&mut r, generation, limits, name)?)
        }
        RecordUse::Index => {
            let name = std::str::from_utf8(name).map_err(|_| Error::Integrity)?;
            name::validate(name).map_err(|_| Error::Integrity)?;
            let table = decode_table_map(&mut r, generation, limits)?;
            let own_entry = table.get(name).copied();
            (Some(table), own_entry)
        }
    };
    // The record must be the one its own index points at for its name.
    if own_entry != Some(EntryMeta { generation, flags }) {
        return Err(Error::Integrity);
    }
    let value_start = r.offset();
    let value_len = r.rest().len();
    if value_len > limits.max_value_len {
        return Err(Error::ValueTooLarge {
            max: limits.max_value_len,
        });
    }
    Ok((table, value_start..value_start + value_len))
}

/// Fields of a manifest header.
#[derive(Debug, Clone)]
pub(crate) struct ManifestHeader {
    pub(crate) algorithm: Algorithm,
    pub(crate) key_version: u32,
    pub(crate) generation: u64,
    pub(crate) store_id: [u8; STORE_ID_LEN],
    pub(crate) key_check: [u8; KEY_CHECK_LEN],
    nonce: [u8; NONCE_LEN],
}

/// Parses a manifest header (unauthenticated until the manifest is opened).
pub(crate) fn parse_manifest_header(bytes: &[u8]) -> Result<ManifestHeader, Error> {
    let mut r = Reader::new(bytes);
    let magic: [u8; 4] = r.array()?;
    let version = r.u8()?;
    let algorithm = Algorithm::from_id(r.u8()?);
    let flags = r.u8()?;
    let reserved = r.u8()?;
    let (Some(algorithm), true) = (
        algorithm,
        magic == MANIFEST_MAGIC && version == FORMAT_VERSION && flags == 0 && reserved == 0,
    ) else {
        return Err(Error::Integrity);
    };
    Ok(ManifestHeader {
        algorithm,
        key_version: r.u32()?,
        generation: r.u64()?,
        store_id: r.array()?,
        key_check: r.array()?,
        nonce: r.array()?,
    })
}

fn manifest_aad(header: &[u8]) -> Result<[u8; MANIFEST_AAD_LEN], Error> {
    let mut aad = [0u8; MANIFEST_AAD_LEN];
    let (domain, auth) = aad.split_at_mut(MANIFEST_DOMAIN.len());
    domain.copy_from_slice(MANIFEST_DOMAIN);
    auth.copy_from_slice(header.get(..MANIFEST_AUTH_LEN).ok_or(Error::Integrity)?);
    Ok(aad)
}

/// What a manifest says besides its header.
pub(crate) struct ManifestBody {
    /// During a rotation: the key the not yet re-sealed records are under.
    pub(crate) previous_key: Option<DataKey>,
    pub(crate) table: Table,
}

/// Opens a manifest with the key its header names (derived by the caller).
pub(crate) fn open_manifest(
    header: &ManifestHeader,
    key: &DataKey,
    limits: Limits,
    bytes: Vec<u8>,
) -> Result<ManifestBody, Error> {
    let mut buf = Wiped(bytes);
    let split = MANIFEST_HEADER_LEN.min(buf.len());
    let (head, sealed) = buf.split_at_mut(split);
    let aad = manifest_aad(head)?;
    let plaintext = key.open(header.nonce, &aad, sealed)?;
    parse_manifest_payload(plaintext, header.generation, header.key_version, limits)
}

/// Parses the decrypted part of a manifest: rotation state and index.
pub(crate) fn parse_manifest_payload(
    plaintext: &[u8],
    generation: u64,
    key_version: u32,
    limits: Limits,
) -> Result<ManifestBody, Error> {
    let mut r = Reader::new(plaintext);
    let previous_key = match r.u8()? {
        0 => None,
        1 => {
            let version = r.u32()?;
            let algorithm = Algorithm::from_id(r.u8()?).ok_or(Error::Integrity)?;
            let bytes = Zeroizing::new(r.array::<DATA_KEY_LEN>()?);
            if version >= key_version {
                return Err(Error::Integrity);
            }
            Some(DataKey::from_bytes(bytes, algorithm, version)?)
        }
        _ => return Err(Error::Integrity),
    };
    let table = decode_table_map(&mut r, generation, limits)?;
    if !r.rest().is_empty() {
        return Err(Error::Integrity);
    }
    Ok(ManifestBody {
        previous_key,
        table,
    })
}

/// What a manifest being written says.
pub(crate) struct NewManifest<'a> {
    pub(crate) generation: u64,
    pub(crate) store_id: &'a [u8; STORE_ID_LEN],
    pub(crate) key_check: &'a [u8; KEY_CHECK_LEN],
    pub(crate) previous_key: Option<&'a DataKey>,
    pub(crate) index: Index<'a>,
}

/// Seals a manifest under `key`.
///
/// Layout: header | AEAD(rotation marker | [old key] | table) | tag. The
/// associated data is domain | header up to and including the store id; the
/// key check is outside it on purpose (see [`crate::manual`]).
pub(crate) fn seal_manifest(
    key: &DataKey,
    nonce: [u8; NONCE_LEN],
    manifest: &NewManifest<'_>,
) -> Result<Vec<u8>, Error> {
    let (entries, index_len) = manifest.index.measure();
    let plaintext_len = PREVIOUS_KEY_LEN + index_len;
    let total = MANIFEST_HEADER_LEN + plaintext_len + TAG_LEN;
    let mut buf = Zeroizing::new(Vec::with_capacity(total));
    buf.extend_from_slice(&MANIFEST_MAGIC);
    buf.extend_from_slice(&[FORMAT_VERSION, key.algorithm().id(), 0, 0]);
    buf.extend_from_slice(&key.version().to_be_bytes());
    buf.extend_from_slice(&manifest.generation.to_be_bytes());
    buf.extend_from_slice(manifest.store_id);
    buf.extend_from_slice(manifest.key_check);
    buf.extend_from_slice(&nonce);
    match manifest.previous_key {
        None => buf.push(0),
        Some(previous) => {
            buf.push(1);
            buf.extend_from_slice(&previous.version().to_be_bytes());
            buf.push(previous.algorithm().id());
            buf.extend_from_slice(previous.bytes());
        }
    }
    manifest.index.encode(entries, &mut buf)?;
    let (header, plaintext) = buf.split_at_mut(MANIFEST_HEADER_LEN);
    let aad = manifest_aad(header)?;
    let tag = key.seal(nonce, &aad, plaintext)?;
    buf.extend_from_slice(&tag);
    Ok(std::mem::take(&mut *buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(generation: u64) -> EntryMeta {
        EntryMeta {
            generation,
            flags: 0,
        }
    }

    #[test]
    fn record_object_names_round_trip() {
        for generation in [0, 1, 0xabc, u64::MAX] {
            assert_eq!(
                &*record_object_name(generation),
                format!("{generation:016x}.rec")
            );
            assert_eq!(
                parse_record_object_name(&record_object_name(generation)),
                Some(generation)
            );
        }
        for other in [
            "manifest",
            "00000000000000a.rec",
            "00000000000000AA.rec",
            "000000000000000g.rec",
            ".rec",
        ] {
            assert_eq!(parse_record_object_name(other), None, "{other}");
        }
    }

    #[test]
    fn changed_entries_keeps_name_order() {
        let mut table = Table::new();
        table.insert("b".into(), meta(1));
        table.insert("d".into(), meta(2));
        let names = |index: Index<'_>| {
            let v: Vec<(&str, EntryMeta)> = index.entries().collect();
            v.into_iter()
                .map(|(n, m)| (n.to_owned(), m.generation))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(Index::new(&table, Change::Put("a", meta(3)))),
            [("a".into(), 3), ("b".into(), 1), ("d".into(), 2)]
        );
        assert_eq!(
            names(Index::new(&table, Change::Put("c", meta(3)))),
            [("b".into(), 1), ("c".into(), 3), ("d".into(), 2)]
        );
        assert_eq!(
            names(Index::new(&table, Change::Put("d", meta(3)))),
            [("b".into(), 1), ("d".into(), 3)]
        );
        assert_eq!(
            names(Index::new(&table, Change::Put("e", meta(3)))),
            [("b".into(), 1), ("d".into(), 2), ("e".into(), 3)]
        );
        assert_eq!(
            names(Index::new(&table, Change::Remove("b"))),
            [("d".into(), 2)]
        );
        assert_eq!(
            names(Index::new(&table, Change::Remove("x"))),
            [("b".into(), 1), ("d".into(), 2)]
        );
    }

    #[test]
    fn table_decoder_rejects_unsorted_duplicate_and_future_entries() {
        let limits = Limits {
            max_value_len: 16,
            max_entries: 8,
        };
        let encode = |entries: &[(&str, EntryMeta)]| {
            // Encoded by hand: these tables are deliberately malformed.
            let mut out = u16::try_from(entries.len()).unwrap().to_be_bytes().to_vec();
            for (name, meta) in entries {
                out.push(u8::try_from(name.len()).unwrap());
                out.extend_from_slice(name.as_bytes());
                out.extend_from_slice(&meta.generation.to_be_bytes());
                out.push(meta.flags);
            }
            out
        };
        let ok = encode(&[("a", meta(1)), ("b", meta(2))]);
        assert_eq!(
            decode_table_map(&mut Reader::new(&ok), 2, limits)
                .unwrap()
                .len(),
            2
        );
        for bad in [
            encode(&[("b", meta(1)), ("a", meta(2))]),
            encode(&[("a", meta(1)), ("a", meta(2))]),
            encode(&[("a", meta(3))]),
            encode(&[("a", meta(0))]),
            encode(&[(
                "a",
                EntryMeta {
                    generation: 1,
                    flags: 0x80,
                },
            )]),
            encode(&[("..", meta(1))]),
        ] {
            assert!(matches!(
                decode_table_map(&mut Reader::new(&bad), 2, limits),
                Err(Error::Integrity)
            ));
        }
        let many: Vec<String> = (0..9).map(|i| format!("n{i}")).collect();
        let entries: Vec<(&str, EntryMeta)> = many.iter().map(|n| (n.as_str(), meta(1))).collect();
        assert!(matches!(
            decode_table_map(&mut Reader::new(&encode(&entries)), 2, limits),
            Err(Error::TooManyEntries { max: 8 })
        ));
        assert!(matches!(
            decode_table_map(&mut Reader::new(&ok[..ok.len() - 1]), 2, limits),
            Err(Error::Integrity)
        ));
    }

    /// A record payload as `seal_record` lays it out: own name, index, value.
    fn payload(own: &str, table: &Table, value: &[u8]) -> Vec<u8> {
        let index = Index::new(table, Change::None);
        let (count, _) = index.measure();
        let mut out = vec![u8::try_from(own.len()).unwrap()];
        out.extend_from_slice(own.as_bytes());
        index.encode(count, &mut out).unwrap();
        out.extend_from_slice(value);
        out
    }

    const PROP_LIMITS: Limits = Limits {
        max_value_len: 256,
        max_entries: 8,
    };

    proptest::proptest! {
        /// A get (`RecordUse::Entry`) reads exactly the value that open's full
        /// decoder (`RecordUse::Index`) finds in a well-formed payload, and
        /// both refuse one whose own line is missing or at another generation.
        #[test]
        fn entry_read_and_full_decode_agree_on_well_formed_payloads(
            names in proptest::collection::btree_set("[a-d][a-d/._-]{0,6}[a-d]", 1..8),
            own_pick in 0usize..8,
            own_generation in 1u64..20,
            value in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64),
        ) {
            let names: Vec<String> = names
                .into_iter()
                .filter(|n| name::validate(n).is_ok())
                .collect();
            proptest::prop_assume!(!names.is_empty());
            let own = names[own_pick % names.len()].clone();
            let table: Table = names
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    let generation = if *n == own { own_generation } else { (i as u64 % own_generation) + 1 };
                    (n.clone(), meta(generation))
                })
                .collect();
            let bytes = payload(&own, &table, &value);
            let full = parse_record_payload(&bytes, own_generation, 0, RecordUse::Index, PROP_LIMITS).unwrap();
            let entry = parse_record_payload(&bytes, own_generation, 0, RecordUse::Entry(&own), PROP_LIMITS).unwrap();
            proptest::prop_assert_eq!(&full.1, &entry.1);
            proptest::prop_assert_eq!(&bytes[entry.1.clone()], &value[..]);
            proptest::prop_assert_eq!(full.0.as_ref(), Some(&table));
            // The record claims a newer generation than its own line says.
            let newer = own_generation + 1;
            proptest::prop_assert!(parse_record_payload(&bytes, newer, 0, RecordUse::Entry(&own), PROP_LIMITS).is_err());
            proptest::prop_assert!(parse_record_payload(&bytes, newer, 0, RecordUse::Index, PROP_LIMITS).is_err());
        }

        /// On arbitrary bytes neither use panics, and a get accepts whatever
        /// open accepts, with the same value.
        #[test]
        fn entry_read_accepts_what_the_full_decoder_accepts(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..96),
            generation in 0u64..4,
            flags in 0u8..3,
        ) {
            let full = parse_record_payload(&bytes, generation, flags, RecordUse::Index, PROP_LIMITS);
            let own = bytes
                .get(1..1 + usize::from(bytes.first().copied().unwrap_or(0)))
                .and_then(|n| std::str::from_utf8(n).ok())
                .filter(|n| name::validate(n).is_ok());
            if let Some(own) = own {
                let entry = parse_record_payload(&bytes, generation, flags, RecordUse::Entry(own), PROP_LIMITS);
                if let Ok((_, range)) = &full {
                    proptest::prop_assert_eq!(entry.map(|(_, r)| r).ok(), Some(range.clone()));
                }
            } else {
                proptest::prop_assert!(full.is_err());
            }
        }
    }
}
