//! NumPy `.npy` (format version 1.0) and `.npz` files.
//!
//! `.npy`: the magic string `\x93NUMPY`, the version bytes `1 0`, a
//! little-endian `u16` header length and an ASCII Python dict literal such as
//! `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }` padded with
//! spaces and a final `\n` so that the data starts at a multiple of 64 bytes,
//! followed by the little-endian element data in C (row-major) order.
//! Element types: `u32` (`<u4`), `i32` (`<i4`), `f32` (`<f4`), `f64` (`<f8`).
//!
//! `.npz`: a ZIP archive whose entries are `name.npy` files. The writer stores
//! the entries uncompressed (method 0) with their CRC-32, local headers, a
//! central directory and the end-of-central-directory record; ZIP64 is not
//! used, so every entry and the whole archive must stay below 4 GiB. The
//! reader accepts uncompressed archives (as written here or by
//! `numpy.savez`) and reports compressed entries as unsupported.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::OutputError;
use super::atomic::write_atomic;

/// Magic bytes that open every `.npy` file.
pub const NPY_MAGIC: &[u8; 6] = b"\x93NUMPY";
/// Alignment of the start of the array data.
pub const NPY_ALIGN: usize = 64;

/// An n-dimensional array (in practice 1-D or 2-D) read from or written to `.npy`.
#[derive(Debug, Clone, PartialEq)]
pub enum NpyArray {
    U32 { shape: Vec<usize>, data: Vec<u32> },
    I32 { shape: Vec<usize>, data: Vec<i32> },
    F32 { shape: Vec<usize>, data: Vec<f32> },
    F64 { shape: Vec<usize>, data: Vec<f64> },
}

/// Element types that can be stored in an [`NpyArray`].
pub trait NpyElement: Copy + Sized + 'static {
    /// NumPy type string, e.g. `<u4`.
    const DESCR: &'static str;
    /// Size of one element in bytes.
    const SIZE: usize;
    /// Writes the little-endian bytes of `self` into `out` (`out.len() == SIZE`).
    fn put_le(self, out: &mut [u8]);
    /// Reads one element from `SIZE` little-endian bytes.
    fn get_le(bytes: &[u8]) -> Self;
    /// Builds the array variant for this element type.
    fn wrap(shape: Vec<usize>, data: Vec<Self>) -> NpyArray;
    /// Borrows the data if `array` holds this element type.
    fn view(array: &NpyArray) -> Option<&[Self]>;
    /// Takes the data if `array` holds this element type.
    fn take(array: NpyArray) -> Result<Vec<Self>, NpyArray>;
}

macro_rules! npy_element {
    ($t:ty, $variant:ident, $descr:expr) => {
        impl NpyElement for $t {
            const DESCR: &'static str = $descr;
            const SIZE: usize = std::mem::size_of::<$t>();
            fn put_le(self, out: &mut [u8]) {
                out.copy_from_slice(&self.to_le_bytes());
            }
            fn get_le(bytes: &[u8]) -> Self {
                let mut b = [0u8; std::mem::size_of::<$t>()];
                b.copy_from_slice(bytes);
                <$t>::from_le_bytes(b)
            }
            fn wrap(shape: Vec<usize>, data: Vec<Self>) -> NpyArray {
                NpyArray::$variant { shape, data }
            }
            fn view(array: &NpyArray) -> Option<&[Self]> {
                match array {
                    NpyArray::$variant { data, .. } => Some(data),
                    _ => None,
                }
            }
            fn take(array: NpyArray) -> Result<Vec<Self>, NpyArray> {
                match array {
                    NpyArray::$variant { data, .. } => Ok(data),
                    other => Err(other),
                }
            }
        }
    };
}

npy_element!(u32, U32, "<u4");
npy_element!(i32, I32, "<i4");
npy_element!(f32, F32, "<f4");
npy_element!(f64, F64, "<f8");

impl NpyArray {
    /// An array of the given shape; the product of `shape` must equal `data.len()`.
    pub fn new<T: NpyElement>(shape: Vec<usize>, data: Vec<T>) -> Result<NpyArray, OutputError> {
        let count = shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
        if count != Some(data.len()) {
            return Err(OutputError::invalid(format!(
                "an array of shape {} needs {} elements but {} were given",
                shape_text(&shape),
                count.map_or("too many".to_string(), |c| c.to_string()),
                data.len()
            )));
        }
        Ok(T::wrap(shape, data))
    }

    /// A 1-D array.
    pub fn from_vec<T: NpyElement>(data: Vec<T>) -> NpyArray {
        let n = data.len();
        T::wrap(vec![n], data)
    }

    /// A 2-D array of `rows` x `cols` elements in row-major order.
    pub fn from_2d<T: NpyElement>(rows: usize, cols: usize, data: Vec<T>) -> Result<NpyArray, OutputError> {
        NpyArray::new(vec![rows, cols], data)
    }

    pub fn shape(&self) -> &[usize] {
        match self {
            NpyArray::U32 { shape, .. }
            | NpyArray::I32 { shape, .. }
            | NpyArray::F32 { shape, .. }
            | NpyArray::F64 { shape, .. } => shape,
        }
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        match self {
            NpyArray::U32 { data, .. } => data.len(),
            NpyArray::I32 { data, .. } => data.len(),
            NpyArray::F32 { data, .. } => data.len(),
            NpyArray::F64 { data, .. } => data.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// NumPy type string (`<u4`, `<i4`, `<f4` or `<f8`).
    pub fn descr(&self) -> &'static str {
        match self {
            NpyArray::U32 { .. } => u32::DESCR,
            NpyArray::I32 { .. } => i32::DESCR,
            NpyArray::F32 { .. } => f32::DESCR,
            NpyArray::F64 { .. } => f64::DESCR,
        }
    }

    /// Human-readable element type name (`u32`, `i32`, `f32`, `f64`).
    pub fn type_name(&self) -> &'static str {
        match self {
            NpyArray::U32 { .. } => "u32",
            NpyArray::I32 { .. } => "i32",
            NpyArray::F32 { .. } => "f32",
            NpyArray::F64 { .. } => "f64",
        }
    }

    fn elem_size(&self) -> usize {
        match self {
            NpyArray::U32 { .. } | NpyArray::I32 { .. } | NpyArray::F32 { .. } => 4,
            NpyArray::F64 { .. } => 8,
        }
    }

    /// The data if the array holds elements of type `T`.
    pub fn as_slice<T: NpyElement>(&self) -> Option<&[T]> {
        T::view(self)
    }

    /// Takes the data if the array holds elements of type `T`.
    pub fn into_vec<T: NpyElement>(self) -> Option<Vec<T>> {
        T::take(self).ok()
    }

    pub fn as_u32(&self) -> Option<&[u32]> {
        self.as_slice()
    }
    pub fn as_i32(&self) -> Option<&[i32]> {
        self.as_slice()
    }
    pub fn as_f32(&self) -> Option<&[f32]> {
        self.as_slice()
    }
    pub fn as_f64(&self) -> Option<&[f64]> {
        self.as_slice()
    }

    /// All elements converted to `f64` (exact for every supported type).
    pub fn to_f64_vec(&self) -> Vec<f64> {
        match self {
            NpyArray::U32 { data, .. } => data.iter().map(|&v| v as f64).collect(),
            NpyArray::I32 { data, .. } => data.iter().map(|&v| v as f64).collect(),
            NpyArray::F32 { data, .. } => data.iter().map(|&v| v as f64).collect(),
            NpyArray::F64 { data, .. } => data.clone(),
        }
    }

    /// Size of the `.npy` encoding of this array in bytes.
    pub fn encoded_len(&self) -> u64 {
        npy_header(self.descr(), self.shape()).len() as u64 + self.len() as u64 * self.elem_size() as u64
    }

    /// Writes the `.npy` encoding (header and data) to `w`.
    pub fn write_to<W: Write>(&self, w: &mut W) -> io::Result<()> {
        w.write_all(&npy_header(self.descr(), self.shape()))?;
        match self {
            NpyArray::U32 { data, .. } => write_elements(w, data),
            NpyArray::I32 { data, .. } => write_elements(w, data),
            NpyArray::F32 { data, .. } => write_elements(w, data),
            NpyArray::F64 { data, .. } => write_elements(w, data),
        }
    }

    /// The `.npy` encoding as bytes.
    pub fn to_npy_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.encoded_len() as usize);
        self.write_to(&mut v).expect("writing to a Vec cannot fail");
        v
    }

    /// Parses a complete `.npy` encoding. The error text describes the problem.
    pub fn from_npy_bytes(bytes: &[u8]) -> Result<NpyArray, String> {
        decode_npy(bytes)
    }
}

/// Python tuple literal for a shape: `()`, `(n,)` or `(a, b, ...)`.
pub fn shape_text(shape: &[usize]) -> String {
    match shape {
        [] => "()".to_string(),
        [n] => format!("({n},)"),
        _ => {
            let parts: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
            format!("({})", parts.join(", "))
        }
    }
}

/// The complete `.npy` preamble (magic, version 1.0, header length and padded
/// header dict) for the given type string and shape; its length is a multiple of 64.
pub fn npy_header(descr: &str, shape: &[usize]) -> Vec<u8> {
    let dict = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {}, }}", shape_text(shape));
    let unpadded = NPY_MAGIC.len() + 2 + 2 + dict.len() + 1;
    let total = unpadded.div_ceil(NPY_ALIGN) * NPY_ALIGN;
    let header_len = total - NPY_MAGIC.len() - 4;
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(NPY_MAGIC);
    out.extend_from_slice(&[1, 0]);
    out.extend_from_slice(&(header_len as u16).to_le_bytes());
    out.extend_from_slice(dict.as_bytes());
    out.resize(total - 1, b' ');
    out.push(b'\n');
    out
}

fn write_elements<T: NpyElement, W: Write>(w: &mut W, data: &[T]) -> io::Result<()> {
    const CHUNK: usize = 8192;
    let mut buf = vec![0u8; CHUNK * T::SIZE];
    for chunk in data.chunks(CHUNK) {
        let bytes = &mut buf[..chunk.len() * T::SIZE];
        for (v, out) in chunk.iter().zip(bytes.chunks_exact_mut(T::SIZE)) {
            v.put_le(out);
        }
        w.write_all(bytes)?;
    }
    Ok(())
}

fn read_elements<T: NpyElement>(bytes: &[u8]) -> Vec<T> {
    bytes.chunks_exact(T::SIZE).map(T::get_le).collect()
}

/// Value of `key` in a NumPy header dict: the text after `'key':` up to the
/// next top-level comma or closing brace.
fn dict_value<'a>(header: &'a str, key: &str) -> Option<&'a str> {
    let pos = header.find(&format!("'{key}'")).or_else(|| header.find(&format!("\"{key}\"")))?;
    let rest = &header[pos + key.len() + 2..];
    let rest = rest.trim_start().strip_prefix(':')?.trim_start();
    let mut depth = 0i32;
    for (i, c) in rest.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ',' | '}' if depth == 0 => return Some(rest[..i].trim()),
            _ => {}
        }
    }
    None
}

fn parse_shape(text: &str) -> Option<Vec<usize>> {
    let inner = text.strip_prefix('(')?.strip_suffix(')')?;
    inner
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.trim_end_matches('L').parse::<usize>().ok())
        .collect()
}

/// Parses a complete `.npy` encoding; the error text describes the problem.
pub fn decode_npy(bytes: &[u8]) -> Result<NpyArray, String> {
    if bytes.len() < 10 || &bytes[..6] != NPY_MAGIC {
        return Err("it does not start with the NumPy magic bytes \\x93NUMPY".into());
    }
    let (header_len, header_start) = match bytes[6] {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 if bytes.len() >= 12 => (u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize, 12),
        v => return Err(format!("unsupported .npy format version {v}.{}", bytes[7])),
    };
    let data_start = header_start + header_len;
    if bytes.len() < data_start {
        return Err("the header is truncated".into());
    }
    let header =
        std::str::from_utf8(&bytes[header_start..data_start]).map_err(|_| "the header is not text".to_string())?;
    let descr = dict_value(header, "descr").ok_or("the header has no 'descr'")?;
    let descr = descr.trim_matches(|c| c == '\'' || c == '"');
    let fortran = match dict_value(header, "fortran_order") {
        Some("False") => false,
        Some("True") => true,
        _ => return Err("the header has no valid 'fortran_order'".into()),
    };
    let shape = dict_value(header, "shape").and_then(parse_shape).ok_or("the header has no valid 'shape'")?;
    let count = shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d)).ok_or("the shape is too large")?;
    let size = match descr {
        "<u4" | "<i4" | "<f4" => 4,
        "<f8" => 8,
        other => {
            return Err(format!("element type '{other}' is not supported (expected <u4, <i4, <f4 or <f8)"));
        }
    };
    let data = &bytes[data_start..];
    let expected = count.checked_mul(size).ok_or("the shape is too large")?;
    if data.len() != expected {
        return Err(format!(
            "shape {} with type {descr} needs {expected} data bytes but {} are present",
            shape_text(&shape),
            data.len()
        ));
    }
    let array = match descr {
        "<u4" => fortran_fix::<u32>(shape, read_elements(data), fortran)?,
        "<i4" => fortran_fix::<i32>(shape, read_elements(data), fortran)?,
        "<f4" => fortran_fix::<f32>(shape, read_elements(data), fortran)?,
        _ => fortran_fix::<f64>(shape, read_elements(data), fortran)?,
    };
    Ok(array)
}

/// Converts column-major (Fortran order) data to row-major.
fn fortran_fix<T: NpyElement>(shape: Vec<usize>, data: Vec<T>, fortran: bool) -> Result<NpyArray, String> {
    if !fortran || shape.len() < 2 {
        return Ok(T::wrap(shape, data));
    }
    if shape.len() > 2 {
        return Err("Fortran-ordered arrays with more than 2 dimensions are not supported".into());
    }
    let (rows, cols) = (shape[0], shape[1]);
    let mut out = Vec::with_capacity(data.len());
    for r in 0..rows {
        for c in 0..cols {
            out.push(data[c * rows + r]);
        }
    }
    Ok(T::wrap(shape, out))
}

/// Writes `array` to the `.npy` file `path` (atomically).
pub fn write_npy(path: &Path, array: &NpyArray) -> Result<(), OutputError> {
    write_atomic(path, |w| array.write_to(w).map_err(|e| OutputError::io(path, "write", e)))
}

fn read_file(path: &Path) -> Result<Vec<u8>, OutputError> {
    fs::read(path).map_err(|e| OutputError::io(path, "read", e))
}

/// Reads the `.npy` file `path`.
pub fn read_npy(path: &Path) -> Result<NpyArray, OutputError> {
    let bytes = read_file(path)?;
    decode_npy(&bytes).map_err(|problem| OutputError::Format { path: path.to_path_buf(), format: ".npy", problem })
}

// ---------------------------------------------------------------------------
// .npz (ZIP) archives

const SIG_LOCAL: u32 = 0x0403_4b50;
const SIG_CENTRAL: u32 = 0x0201_4b50;
const SIG_END: u32 = 0x0605_4b50;
const ZIP_VERSION: u16 = 20;
/// DOS date of 1980-01-01 (a fixed time stamp keeps archives reproducible).
const DOS_DATE: u16 = (1 << 5) | 1;
const DOS_TIME: u16 = 0;

/// Converts a size or offset to the 32-bit field of a non-ZIP64 archive.
pub fn zip_u32(path: &Path, what: &str, value: u64) -> Result<u32, OutputError> {
    u32::try_from(value).ok().filter(|&v| v != u32::MAX).ok_or_else(|| OutputError::TooLarge {
        path: path.to_path_buf(),
        problem: format!("{what} is {value} bytes, over the 4 GiB limit of .npz files without ZIP64"),
    })
}

/// A `Write` sink that only counts bytes and computes their CRC-32.
struct CrcSink {
    hasher: crc32fast::Hasher,
    count: u64,
}

impl Write for CrcSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.hasher.update(buf);
        self.count += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

struct CentralEntry {
    name: String,
    crc: u32,
    size: u32,
    offset: u32,
}

fn put16(v: &mut Vec<u8>, x: u16) {
    v.extend_from_slice(&x.to_le_bytes());
}
fn put32(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}

/// Writes the named arrays to the `.npz` archive `path` (atomically); each
/// array is stored uncompressed as the entry `name.npy`.
pub fn write_npz(path: &Path, arrays: &[(&str, &NpyArray)]) -> Result<(), OutputError> {
    for (i, (name, _)) in arrays.iter().enumerate() {
        if name.is_empty() || name.contains('/') || name.contains('\\') {
            return Err(OutputError::invalid(format!(
                "array name '{name}' for {} must be non-empty and contain no slashes",
                path.display()
            )));
        }
        if arrays[..i].iter().any(|(other, _)| other == name) {
            return Err(OutputError::invalid(format!("array name '{name}' appears twice in {}", path.display())));
        }
    }
    if arrays.len() >= 0xFFFF {
        return Err(OutputError::TooLarge {
            path: path.to_path_buf(),
            problem: format!("{} arrays exceed the 65534-entry limit", arrays.len()),
        });
    }
    write_atomic(path, |w| {
        let io_err = |e| OutputError::io(path, "write", e);
        let mut offset: u64 = 0;
        let mut entries = Vec::with_capacity(arrays.len());
        for (name, array) in arrays {
            let entry_name = format!("{name}.npy");
            let mut sink = CrcSink { hasher: crc32fast::Hasher::new(), count: 0 };
            array.write_to(&mut sink).map_err(io_err)?;
            let size = zip_u32(path, &format!("array '{name}'"), sink.count)?;
            let crc = sink.hasher.finalize();
            let local_offset = zip_u32(path, "the archive", offset)?;

            let mut h = Vec::with_capacity(30 + entry_name.len());
            put32(&mut h, SIG_LOCAL);
            put16(&mut h, ZIP_VERSION);
            put16(&mut h, 0); // flags
            put16(&mut h, 0); // method: stored
            put16(&mut h, DOS_TIME);
            put16(&mut h, DOS_DATE);
            put32(&mut h, crc);
            put32(&mut h, size); // compressed size
            put32(&mut h, size); // uncompressed size
            put16(&mut h, entry_name.len() as u16);
            put16(&mut h, 0); // extra field length
            h.extend_from_slice(entry_name.as_bytes());
            w.write_all(&h).map_err(io_err)?;
            array.write_to(w).map_err(io_err)?;
            offset += h.len() as u64 + size as u64;
            entries.push(CentralEntry { name: entry_name, crc, size, offset: local_offset });
        }
        let cd_offset = zip_u32(path, "the archive", offset)?;
        let mut cd = Vec::new();
        for e in &entries {
            put32(&mut cd, SIG_CENTRAL);
            put16(&mut cd, (3 << 8) | ZIP_VERSION); // made by: Unix, 2.0
            put16(&mut cd, ZIP_VERSION);
            put16(&mut cd, 0); // flags
            put16(&mut cd, 0); // method
            put16(&mut cd, DOS_TIME);
            put16(&mut cd, DOS_DATE);
            put32(&mut cd, e.crc);
            put32(&mut cd, e.size);
            put32(&mut cd, e.size);
            put16(&mut cd, e.name.len() as u16);
            put16(&mut cd, 0); // extra
            put16(&mut cd, 0); // comment
            put16(&mut cd, 0); // disk number
            put16(&mut cd, 0); // internal attributes
            put32(&mut cd, 0o100644 << 16); // external attributes: regular file rw-r--r--
            put32(&mut cd, e.offset);
            cd.extend_from_slice(e.name.as_bytes());
        }
        let cd_size = zip_u32(path, "the central directory", cd.len() as u64)?;
        zip_u32(path, "the archive", offset + cd.len() as u64 + 22)?;
        put32(&mut cd, SIG_END);
        put16(&mut cd, 0); // this disk
        put16(&mut cd, 0); // disk with the central directory
        put16(&mut cd, entries.len() as u16);
        put16(&mut cd, entries.len() as u16);
        put32(&mut cd, cd_size);
        put32(&mut cd, cd_offset);
        put16(&mut cd, 0); // comment length
        w.write_all(&cd).map_err(io_err)?;
        Ok(())
    })
}

/// The arrays of an `.npz` archive, in archive order.
#[derive(Debug, Clone)]
pub struct Npz {
    path: PathBuf,
    arrays: Vec<(String, NpyArray)>,
}

impl Npz {
    /// Path the archive was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Names of the arrays (entry names without `.npy`).
    pub fn names(&self) -> Vec<&str> {
        self.arrays.iter().map(|(n, _)| n.as_str()).collect()
    }

    fn missing(&self, name: &str) -> OutputError {
        OutputError::MissingArray {
            path: self.path.clone(),
            name: name.to_string(),
            available: self.arrays.iter().map(|(n, _)| n.clone()).collect(),
        }
    }

    /// The array `name`, or an error naming the arrays that exist.
    pub fn get(&self, name: &str) -> Result<&NpyArray, OutputError> {
        self.arrays.iter().find(|(n, _)| n == name).map(|(_, a)| a).ok_or_else(|| self.missing(name))
    }

    /// Removes and returns the array `name`.
    pub fn take(&mut self, name: &str) -> Result<NpyArray, OutputError> {
        match self.arrays.iter().position(|(n, _)| n == name) {
            Some(i) => Ok(self.arrays.remove(i).1),
            None => Err(self.missing(name)),
        }
    }

    /// The array `name` as a slice of `T`, or an error naming the stored type.
    pub fn get_as<T: NpyElement>(&self, name: &str) -> Result<&[T], OutputError> {
        let array = self.get(name)?;
        array.as_slice::<T>().ok_or_else(|| OutputError::Format {
            path: self.path.clone(),
            format: ".npz",
            problem: format!(
                "array '{name}' holds {} values ({}) where {} was expected",
                array.type_name(),
                array.descr(),
                T::DESCR
            ),
        })
    }

    pub fn into_arrays(self) -> Vec<(String, NpyArray)> {
        self.arrays
    }
}

enum ZipProblem {
    Format(String),
    Unsupported(String, String),
}

fn le16(b: &[u8], at: usize) -> Result<u16, ZipProblem> {
    b.get(at..at + 2)
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
        .ok_or_else(|| ZipProblem::Format("the archive is truncated".into()))
}

fn le32(b: &[u8], at: usize) -> Result<u32, ZipProblem> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or_else(|| ZipProblem::Format("the archive is truncated".into()))
}

fn parse_npz(bytes: &[u8]) -> Result<Vec<(String, NpyArray)>, ZipProblem> {
    let fmt = |s: &str| ZipProblem::Format(s.to_string());
    if bytes.len() < 22 {
        return Err(fmt("it is too short to be a ZIP archive"));
    }
    let lowest = bytes.len().saturating_sub(22 + 0xFFFF);
    let end = (lowest..=bytes.len() - 22)
        .rev()
        .find(|&i| le32(bytes, i).ok() == Some(SIG_END))
        .ok_or_else(|| fmt("no ZIP end-of-central-directory record was found"))?;
    let count = le16(bytes, end + 10)?;
    let cd_size = le32(bytes, end + 12)?;
    let cd_offset = le32(bytes, end + 16)?;
    if count == 0xFFFF || cd_size == u32::MAX || cd_offset == u32::MAX {
        return Err(ZipProblem::Unsupported(
            "the archive uses ZIP64".into(),
            "only archives below 4 GiB without ZIP64 are read; split the data into smaller files".into(),
        ));
    }
    let mut arrays = Vec::with_capacity(count as usize);
    let mut at = cd_offset as usize;
    for _ in 0..count {
        if le32(bytes, at)? != SIG_CENTRAL {
            return Err(fmt("the central directory is damaged"));
        }
        let flags = le16(bytes, at + 8)?;
        let method = le16(bytes, at + 10)?;
        let crc = le32(bytes, at + 16)?;
        let csize = le32(bytes, at + 20)? as usize;
        let usize_ = le32(bytes, at + 24)? as usize;
        let name_len = le16(bytes, at + 28)? as usize;
        let extra_len = le16(bytes, at + 30)? as usize;
        let comment_len = le16(bytes, at + 32)? as usize;
        let local = le32(bytes, at + 42)? as usize;
        let name_bytes =
            bytes.get(at + 46..at + 46 + name_len).ok_or_else(|| fmt("the central directory is truncated"))?;
        let name = String::from_utf8_lossy(name_bytes).into_owned();
        at += 46 + name_len + extra_len + comment_len;

        if flags & 1 != 0 {
            return Err(ZipProblem::Unsupported(
                format!("entry '{name}' is encrypted"),
                "only unencrypted archives are read; save the arrays again without a password".into(),
            ));
        }
        if method != 0 {
            let how = if method == 8 { " (deflate)" } else { "" };
            return Err(ZipProblem::Unsupported(
                format!("entry '{name}' is compressed with method {method}{how}"),
                "only uncompressed .npz files are read; write it with seqscape or numpy.savez instead of numpy.savez_compressed".into(),
            ));
        }
        if csize == u32::MAX as usize || usize_ == u32::MAX as usize || local == u32::MAX as usize {
            return Err(ZipProblem::Unsupported(
                format!("entry '{name}' uses ZIP64"),
                "only archives below 4 GiB without ZIP64 are read; split the data into smaller files".into(),
            ));
        }
        if csize != usize_ {
            return Err(ZipProblem::Format(format!(
                "stored entry '{name}' has different compressed and uncompressed sizes"
            )));
        }
        if le32(bytes, local)? != SIG_LOCAL {
            return Err(ZipProblem::Format(format!("the local header of entry '{name}' is missing")));
        }
        let data_start = local + 30 + le16(bytes, local + 26)? as usize + le16(bytes, local + 28)? as usize;
        let data = bytes
            .get(data_start..data_start + csize)
            .ok_or_else(|| ZipProblem::Format(format!("entry '{name}' is truncated")))?;
        if crc32fast::hash(data) != crc {
            return Err(ZipProblem::Format(format!("entry '{name}' fails its CRC-32 check (the file is corrupt)")));
        }
        let Some(array_name) = name.strip_suffix(".npy") else {
            continue;
        };
        let array = decode_npy(data).map_err(|p| ZipProblem::Format(format!("entry '{name}': {p}")))?;
        arrays.push((array_name.to_string(), array));
    }
    Ok(arrays)
}

/// Reads all arrays of the uncompressed `.npz` archive `path`.
pub fn read_npz(path: &Path) -> Result<Npz, OutputError> {
    let bytes = read_file(path)?;
    let arrays = parse_npz(&bytes).map_err(|p| match p {
        ZipProblem::Format(problem) => OutputError::Format { path: path.to_path_buf(), format: ".npz", problem },
        ZipProblem::Unsupported(problem, fix) => OutputError::Unsupported { path: path.to_path_buf(), problem, fix },
    })?;
    Ok(Npz { path: path.to_path_buf(), arrays })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::atomic::tests::{entries, scratch_dir};

    fn samples() -> Vec<NpyArray> {
        vec![
            NpyArray::from_vec(vec![0u32, 1, 7, u32::MAX]),
            NpyArray::from_2d(2, 3, vec![1u32, 2, 3, 4, 5, 6]).unwrap(),
            NpyArray::from_vec(vec![-5i32, 0, i32::MAX, i32::MIN]),
            NpyArray::from_2d(3, 1, vec![-1i32, 2, -3]).unwrap(),
            NpyArray::from_vec(vec![1.5f32, -0.0, f32::INFINITY, f32::MIN_POSITIVE]),
            NpyArray::from_2d(2, 2, vec![0.25f32, 1e-30, -7.0, 3.0]).unwrap(),
            NpyArray::from_vec(vec![std::f64::consts::PI, -1e300, 0.0]),
            NpyArray::from_2d(1, 4, vec![1.0f64, 2.0, 3.0, 4.0]).unwrap(),
            NpyArray::from_vec(Vec::<f64>::new()),
            NpyArray::from_2d(0, 5, Vec::<u32>::new()).unwrap(),
        ]
    }

    #[test]
    fn round_trip_every_dtype_and_shape() {
        let dir = scratch_dir("npy");
        for (i, a) in samples().iter().enumerate() {
            let p = dir.join(format!("a{i}.npy"));
            write_npy(&p, a).unwrap();
            let bytes = fs::read(&p).unwrap();
            assert_eq!(bytes.len() as u64, a.encoded_len());
            let data_start = bytes.len() - a.len() * a.elem_size();
            assert_eq!(data_start % 64, 0, "data of {a:?} not aligned");
            let b = read_npy(&p).unwrap();
            assert_eq!(&b, a);
            assert_eq!(b.shape(), a.shape());
        }
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn f32_nan_round_trips_bit_exactly() {
        let nan = f32::from_bits(0x7fc0_1234);
        let a = NpyArray::from_vec(vec![f32::NAN, nan, -f32::NAN, 1.0]);
        let b = NpyArray::from_npy_bytes(&a.to_npy_bytes()).unwrap();
        let (x, y) = (a.as_f32().unwrap(), b.as_f32().unwrap());
        assert!(y[0].is_nan() && y[1].is_nan() && y[2].is_nan());
        for (p, q) in x.iter().zip(y) {
            assert_eq!(p.to_bits(), q.to_bits());
        }
    }

    #[test]
    fn header_bytes_follow_the_spec() {
        let a = NpyArray::from_vec(vec![1u32, 2, 3]);
        let bytes = a.to_npy_bytes();
        let dict = "{'descr': '<u4', 'fortran_order': False, 'shape': (3,), }";
        // 10 preamble bytes + 57 dict bytes + '\n' = 68 > 64, so the data starts at 128.
        let mut expected = Vec::new();
        expected.extend_from_slice(b"\x93NUMPY");
        expected.extend_from_slice(&[1, 0]);
        expected.extend_from_slice(&118u16.to_le_bytes());
        expected.extend_from_slice(dict.as_bytes());
        expected.extend(std::iter::repeat_n(b' ', 118 - dict.len() - 1));
        expected.push(b'\n');
        assert_eq!(expected.len(), 128);
        assert_eq!(&bytes[..128], &expected[..]);
        assert_eq!(&bytes[128..], &[1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0]);

        let h = npy_header("<f8", &[100, 100]);
        assert_eq!(h.len() % 64, 0);
        let text = std::str::from_utf8(&h[10..]).unwrap();
        assert!(text.starts_with("{'descr': '<f8', 'fortran_order': False, 'shape': (100, 100), }"));
        assert!(text.ends_with(" \n"));
        assert_eq!(u16::from_le_bytes([h[8], h[9]]) as usize, h.len() - 10);
    }

    #[test]
    fn reads_fortran_order_and_version_2() {
        // 2 x 3 array stored column-major, written by hand.
        let dict = "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }";
        let mut h = Vec::new();
        h.extend_from_slice(b"\x93NUMPY\x02\x00");
        let total = (12 + dict.len() + 1).div_ceil(64) * 64;
        h.extend_from_slice(&((total - 12) as u32).to_le_bytes());
        h.extend_from_slice(dict.as_bytes());
        h.resize(total - 1, b' ');
        h.push(b'\n');
        for v in [1i32, 4, 2, 5, 3, 6] {
            h.extend_from_slice(&v.to_le_bytes());
        }
        let a = decode_npy(&h).unwrap();
        assert_eq!(a.shape(), &[2, 3]);
        assert_eq!(a.as_i32().unwrap(), &[1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn bad_npy_is_reported() {
        assert!(decode_npy(b"hello world").unwrap_err().contains("magic"));
        let mut b = NpyArray::from_vec(vec![1.0f64, 2.0]).to_npy_bytes();
        b.pop();
        assert!(decode_npy(&b).unwrap_err().contains("data bytes"));
        let mut b = NpyArray::from_vec(vec![1u32]).to_npy_bytes();
        let at = b.windows(3).position(|w| w == b"<u4").unwrap();
        b[at] = b'>';
        assert!(decode_npy(&b).unwrap_err().contains("'>u4' is not supported"));
        let dir = scratch_dir("npy-bad");
        let p = dir.join("x.npy");
        fs::write(&p, b"not numpy").unwrap();
        let e = read_npy(&p).unwrap_err().to_string();
        assert!(e.contains(&p.display().to_string()) && e.contains("magic"), "{e}");
        let e = read_npy(&dir.join("missing.npy")).unwrap_err();
        assert!(matches!(e, OutputError::Io { .. }));
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn shape_mismatch_is_an_error() {
        let e = NpyArray::from_2d(2, 2, vec![1u32, 2, 3]).unwrap_err();
        assert!(e.to_string().contains("(2, 2)"), "{e}");
    }

    fn two_arrays() -> (NpyArray, NpyArray) {
        (
            NpyArray::from_vec((0..1000u32).collect()),
            NpyArray::from_2d(3, 2, vec![0.5f64, 1.5, 2.5, f64::NAN, -1.0, 9.0]).unwrap(),
        )
    }

    #[test]
    fn npz_round_trip() {
        let dir = scratch_dir("npz");
        let p = dir.join("spikes.npz");
        let (a, b) = two_arrays();
        write_npz(&p, &[("senders", &a), ("times", &b)]).unwrap();
        assert_eq!(entries(&dir), vec!["spikes.npz"]);
        let mut z = read_npz(&p).unwrap();
        assert_eq!(z.names(), vec!["senders", "times"]);
        assert_eq!(z.get("senders").unwrap(), &a);
        assert_eq!(z.get_as::<u32>("senders").unwrap().len(), 1000);
        assert!(z.get_as::<f32>("senders").unwrap_err().to_string().contains("<f4"));
        let t = z.take("times").unwrap();
        assert_eq!(t.shape(), &[3, 2]);
        assert!(t.as_f64().unwrap()[3].is_nan());
        let e = z.get("rates").unwrap_err().to_string();
        assert!(e.contains("'rates'") && e.contains("senders") && e.contains("spikes.npz"), "{e}");
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn npz_structure_is_plain_zip() {
        let dir = scratch_dir("npz-struct");
        let p = dir.join("a.npz");
        let (a, b) = two_arrays();
        write_npz(&p, &[("a", &a), ("b", &b)]).unwrap();
        let z = fs::read(&p).unwrap();
        assert_eq!(&z[..4], b"PK\x03\x04");
        assert_eq!(&z[26..28], &5u16.to_le_bytes()); // "a.npy"
        assert_eq!(&z[30..35], b"a.npy");
        let a_bytes = a.to_npy_bytes();
        assert_eq!(&z[35..35 + a_bytes.len()], &a_bytes[..]);
        assert_eq!(&z[14..18], &crc32fast::hash(&a_bytes).to_le_bytes());
        let end = z.len() - 22;
        assert_eq!(&z[end..end + 4], b"PK\x05\x06");
        assert_eq!(u16::from_le_bytes([z[end + 10], z[end + 11]]), 2);
        let cd_off = u32::from_le_bytes(z[end + 16..end + 20].try_into().unwrap()) as usize;
        let cd_size = u32::from_le_bytes(z[end + 12..end + 16].try_into().unwrap()) as usize;
        assert_eq!(cd_off + cd_size, end);
        assert_eq!(&z[cd_off..cd_off + 4], b"PK\x01\x02");
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn npz_errors() {
        let dir = scratch_dir("npz-err");
        let p = dir.join("a.npz");
        let (a, b) = two_arrays();
        write_npz(&p, &[("a", &a), ("b", &b)]).unwrap();
        let good = fs::read(&p).unwrap();

        // Mark the first entry as deflate-compressed in both headers.
        let mut z = good.clone();
        z[8] = 8;
        let end = z.len() - 22;
        let cd_off = u32::from_le_bytes(z[end + 16..end + 20].try_into().unwrap()) as usize;
        z[cd_off + 10] = 8;
        let q = dir.join("compressed.npz");
        fs::write(&q, &z).unwrap();
        let e = read_npz(&q).unwrap_err();
        assert!(matches!(e, OutputError::Unsupported { .. }));
        let s = e.to_string();
        assert!(s.contains("a.npy") && s.contains("compressed") && s.contains("savez"), "{s}");

        // Flip a data byte: CRC mismatch.
        let mut z = good.clone();
        z[200] ^= 0xFF;
        let q = dir.join("corrupt.npz");
        fs::write(&q, &z).unwrap();
        assert!(read_npz(&q).unwrap_err().to_string().contains("CRC-32"));

        // Not a zip at all.
        let q = dir.join("text.npz");
        fs::write(&q, b"just some text, not an archive at all").unwrap();
        let s = read_npz(&q).unwrap_err().to_string();
        assert!(s.contains("text.npz") && s.contains("ZIP"), "{s}");

        // Bad names.
        assert!(write_npz(&dir.join("x.npz"), &[("a", &a), ("a", &b)]).is_err());
        assert!(write_npz(&dir.join("x.npz"), &[("", &a)]).is_err());

        // Missing folder: error naming the path, nothing written.
        let missing = dir.join("nope").join("s.npz");
        let s = write_npz(&missing, &[("a", &a)]).unwrap_err().to_string();
        assert!(s.contains(&missing.display().to_string()), "{s}");
        assert!(!dir.join("nope").exists());
        assert!(!dir.join("x.npz").exists());
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn size_limit_is_checked() {
        let p = Path::new("big.npz");
        assert_eq!(zip_u32(p, "x", 12).unwrap(), 12);
        let e = zip_u32(p, "array 'spikes'", 5 << 30).unwrap_err().to_string();
        assert!(e.contains("4 GiB") && e.contains("big.npz"), "{e}");
    }

    #[test]
    fn empty_npz_round_trips() {
        let dir = scratch_dir("npz-empty");
        let p = dir.join("e.npz");
        write_npz(&p, &[]).unwrap();
        assert!(read_npz(&p).unwrap().names().is_empty());
        fs::remove_dir_all(dir).unwrap();
    }
}
