//! NumPy `.npy` and `.npz` files: `npyz` encodes and decodes the NPY header and elements, `zip`
//! builds and opens the archive (entries `name.npy`, stored uncompressed like `numpy.savez`;
//! reading also takes deflated entries from `numpy.savez_compressed`).
//!
//! [`read_spikes`] reads a spike file the way NumPy users write one:
//! * `i`: neuron ids of any integer dtype (NumPy's default `int64`, `int32`, `uint32`, `uint16`,
//!   ...), every value between 0 and 2^32 - 1;
//! * `t_ms`: spike times as `float64` or `float32`, all finite;
//! * each of them one-dimensional `(N,)`, or a single column `(N, 1)` read as its N values;
//!   a 0-d scalar or any other 2-D shape is rejected;
//! * both of the same length; other arrays in the archive, of any dtype, are ignored.

use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use npyz::{DType, NpyFile, Order, TypeChar, WriterBuilder};
use zip::write::SimpleFileOptions;

use super::OutputError;
use super::atomic::write_atomic;

/// The elements of an array, by dtype.
#[derive(Debug, Clone, PartialEq)]
pub enum NpyData {
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
    U64(Vec<u64>),
    I8(Vec<i8>),
    I16(Vec<i16>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    F32(Vec<f32>),
    F64(Vec<f64>),
}

/// Element types that can be stored in an [`NpyArray`].
pub trait NpyElement: npyz::AutoSerialize + npyz::Deserialize + Copy + 'static {
    /// NumPy's name of the dtype (`"uint32"`).
    const NAME: &'static str;
    fn wrap(data: Vec<Self>) -> NpyData;
    fn view(data: &NpyData) -> Option<&[Self]>;
}

macro_rules! elements {
    ($($t:ty, $variant:ident, $name:expr, $kind:ident, $size:expr;)*) => {
        $(impl NpyElement for $t {
            const NAME: &'static str = $name;
            fn wrap(data: Vec<Self>) -> NpyData {
                NpyData::$variant(data)
            }
            fn view(data: &NpyData) -> Option<&[Self]> {
                match data {
                    NpyData::$variant(v) => Some(v),
                    _ => None,
                }
            }
        })*

        impl NpyData {
            /// NumPy's name of the dtype.
            pub fn dtype_name(&self) -> &'static str {
                match self {
                    $(NpyData::$variant(_) => $name,)*
                }
            }

            pub fn len(&self) -> usize {
                match self {
                    $(NpyData::$variant(v) => v.len(),)*
                }
            }

            pub fn is_empty(&self) -> bool {
                self.len() == 0
            }

            fn write_to<W: Write>(&self, shape: &[u64], w: W) -> io::Result<()> {
                match self {
                    $(NpyData::$variant(v) => {
                        let mut out = npyz::WriteOptions::new().default_dtype().shape(shape).writer(w).begin_nd()?;
                        out.extend(v.iter().copied())?;
                        out.finish()
                    })*
                }
            }

            fn read<R: Read>(npy: NpyFile<R>, kind: TypeChar, size: u64) -> Option<io::Result<NpyData>> {
                Some(match (kind, size) {
                    $((TypeChar::$kind, $size) => npy.into_vec::<$t>().map(NpyData::$variant),)*
                    _ => return None,
                })
            }
        }
    };
}

elements! {
    u8, U8, "uint8", Uint, 1;
    u16, U16, "uint16", Uint, 2;
    u32, U32, "uint32", Uint, 4;
    u64, U64, "uint64", Uint, 8;
    i8, I8, "int8", Int, 1;
    i16, I16, "int16", Int, 2;
    i32, I32, "int32", Int, 4;
    i64, I64, "int64", Int, 8;
    f32, F32, "float32", Float, 4;
    f64, F64, "float64", Float, 8;
}

/// An n-dimensional array (in C order) read from or written to `.npy`.
#[derive(Debug, Clone, PartialEq)]
pub struct NpyArray {
    shape: Vec<usize>,
    data: NpyData,
}

impl NpyArray {
    /// An array of the given shape; the product of `shape` must equal `data.len()`.
    pub fn new<T: NpyElement>(shape: Vec<usize>, data: Vec<T>) -> Result<NpyArray, OutputError> {
        let count = shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
        if count != Some(data.len()) {
            return Err(OutputError::invalid(format!(
                "an array of shape {} cannot hold {} elements",
                shape_text(&shape),
                data.len()
            )));
        }
        Ok(NpyArray { shape, data: T::wrap(data) })
    }

    /// A 1-D array.
    pub fn from_vec<T: NpyElement>(data: Vec<T>) -> NpyArray {
        NpyArray { shape: vec![data.len()], data: T::wrap(data) }
    }

    /// A 2-D array of `rows` x `cols` elements in row-major order.
    pub fn from_2d<T: NpyElement>(rows: usize, cols: usize, data: Vec<T>) -> Result<NpyArray, OutputError> {
        NpyArray::new(vec![rows, cols], data)
    }

    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    pub fn data(&self) -> &NpyData {
        &self.data
    }

    pub fn len(&self) -> usize {
        self.data.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// NumPy's name of the dtype (`"float64"`).
    pub fn dtype_name(&self) -> &'static str {
        self.data.dtype_name()
    }

    /// The elements if they are of type `T`.
    pub fn as_slice<T: NpyElement>(&self) -> Option<&[T]> {
        T::view(&self.data)
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

    /// Writes the array as an `.npy` stream.
    pub fn write_to<W: Write>(&self, w: W) -> io::Result<()> {
        let shape: Vec<u64> = self.shape.iter().map(|&d| d as u64).collect();
        self.data.write_to(&shape, w)
    }

    /// Reads an `.npy` stream; the error names the unsupported dtype or layout.
    pub fn read_from<R: Read>(r: R) -> Result<NpyArray, String> {
        let npy = NpyFile::new(r).map_err(|e| e.to_string())?;
        let shape: Vec<usize> = npy.shape().iter().map(|&d| d as usize).collect();
        let descr = npy.dtype().descr();
        let DType::Plain(ty) = npy.dtype() else {
            return Err(format!("dtype {descr} is a record type; only integer and float arrays are read"));
        };
        if npy.order() == Order::Fortran && shape.iter().filter(|&&d| d > 1).count() > 1 {
            return Err("the array is in Fortran order; save np.ascontiguousarray(a) instead".to_string());
        }
        match NpyData::read(npy, ty.type_char(), ty.size_field()) {
            Some(data) => Ok(NpyArray { shape, data: data.map_err(|e| e.to_string())? }),
            None => Err(format!("dtype {descr} is not an integer or float type")),
        }
    }
}

/// Shape as Python writes it: `(3,)`, `(2, 3)`, `()`.
pub fn shape_text(shape: &[usize]) -> String {
    match shape {
        [one] => format!("({one},)"),
        _ => format!("({})", shape.iter().map(usize::to_string).collect::<Vec<_>>().join(", ")),
    }
}

/// Writes `array` to `path` as an `.npy` file.
pub fn write_npy(path: &Path, array: &NpyArray) -> Result<(), OutputError> {
    write_atomic(path, |w| array.write_to(w).map_err(|e| OutputError::io(path, "write", e)))
}

fn open(path: &Path) -> Result<BufReader<File>, OutputError> {
    File::open(path).map(BufReader::new).map_err(|e| OutputError::io(path, "read", e))
}

/// Reads an `.npy` file.
pub fn read_npy(path: &Path) -> Result<NpyArray, OutputError> {
    NpyArray::read_from(open(path)?).map_err(|problem| OutputError::Format {
        path: path.into(),
        format: ".npy",
        problem,
    })
}

/// Writes the named arrays to `path` as an `.npz` archive (`numpy.load` reads it back).
pub fn write_npz(path: &Path, arrays: &[(&str, &NpyArray)]) -> Result<(), OutputError> {
    for (k, (name, _)) in arrays.iter().enumerate() {
        if name.is_empty() || arrays[..k].iter().any(|(n, _)| n == name) {
            return Err(OutputError::invalid(format!(
                "array names in {} must be unique and non-empty",
                path.display()
            )));
        }
    }
    let zip_err = |e: zip::result::ZipError| match e {
        zip::result::ZipError::Io(e) => OutputError::io(path, "write", e),
        e => OutputError::Encode { path: path.into(), format: ".npz", message: e.to_string() },
    };
    write_atomic(path, |w| {
        let mut zip = zip::ZipWriter::new(w);
        for (name, array) in arrays {
            let bytes = array.len() as u64 * 8 + 256;
            let options = SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored)
                .large_file(bytes >= u32::MAX as u64);
            zip.start_file(format!("{name}.npy"), options).map_err(zip_err)?;
            array.write_to(&mut zip).map_err(|e| OutputError::io(path, "write", e))?;
        }
        zip.finish().map_err(zip_err)?;
        Ok(())
    })
}

/// The arrays of an `.npz` archive, in archive order; entries whose dtype is not an integer or
/// float type keep the reason they were not read.
#[derive(Debug, Clone)]
pub struct Npz {
    path: PathBuf,
    arrays: Vec<(String, Result<NpyArray, String>)>,
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

    /// The array `name`, or an error naming the arrays that exist or why it could not be read.
    pub fn get(&self, name: &str) -> Result<&NpyArray, OutputError> {
        match self.arrays.iter().find(|(n, _)| n == name) {
            Some((_, Ok(a))) => Ok(a),
            Some((_, Err(problem))) => Err(OutputError::Format {
                path: self.path.clone(),
                format: ".npz",
                problem: format!("array '{name}': {problem}"),
            }),
            None => Err(OutputError::MissingArray {
                path: self.path.clone(),
                name: name.to_string(),
                available: self.arrays.iter().map(|(n, _)| n.clone()).collect(),
            }),
        }
    }

    /// The array `name` as a slice of `T`, or an error naming the stored type.
    pub fn get_as<T: NpyElement>(&self, name: &str) -> Result<&[T], OutputError> {
        let array = self.get(name)?;
        array.as_slice::<T>().ok_or_else(|| OutputError::Format {
            path: self.path.clone(),
            format: ".npz",
            problem: format!("array '{name}' holds {} values where {} was expected", array.dtype_name(), T::NAME),
        })
    }
}

/// Reads every array of an `.npz` archive (stored or deflated entries).
pub fn read_npz(path: &Path) -> Result<Npz, OutputError> {
    let format_err = |problem: String| OutputError::Format { path: path.into(), format: ".npz", problem };
    let mut zip = zip::ZipArchive::new(open(path)?).map_err(|e| format_err(format!("not a ZIP archive: {e}")))?;
    let mut arrays = Vec::new();
    for k in 0..zip.len() {
        let entry = zip.by_index(k).map_err(|e| format_err(e.to_string()))?;
        let file_name = entry.name().map_err(|e| format_err(e.to_string()))?.into_owned();
        if let Some(name) = npyz::npz::array_name_from_file_name(&file_name) {
            arrays.push((name.to_string(), NpyArray::read_from(entry)));
        }
    }
    Ok(Npz { path: path.into(), arrays })
}

/// One spike array as `f64` values with its rule checks; see the module docs.
fn spike_column(npz: &Npz, name: &str, ints: bool) -> Result<Vec<f64>, OutputError> {
    let path = npz.path();
    let accepted = if ints {
        "neuron ids must be a 1-D (or one-column) integer array, e.g. np.asarray(i, dtype=np.int64)"
    } else {
        "spike times must be a 1-D (or one-column) float64 or float32 array of finite values in ms"
    };
    let array = npz.get(name).map_err(|e| match e {
        OutputError::Format { problem, .. } => {
            OutputError::Unsupported { path: path.into(), problem, fix: accepted.into() }
        }
        other => other,
    })?;
    let bad = |problem: String| OutputError::Unsupported {
        path: path.into(),
        problem: format!("array '{name}' ({}, shape {}) {problem}", array.dtype_name(), shape_text(array.shape())),
        fix: accepted.into(),
    };
    match array.shape() {
        [_] | [_, 1] => {}
        [] => return Err(bad("is a 0-d scalar".into())),
        _ => return Err(bad("has more than one column".into())),
    }
    let values: Vec<f64> = match array.data() {
        NpyData::F32(v) if !ints => v.iter().map(|&x| f64::from(x)).collect(),
        NpyData::F64(v) if !ints => v.clone(),
        NpyData::U8(v) if ints => v.iter().map(|&x| f64::from(x)).collect(),
        NpyData::U16(v) if ints => v.iter().map(|&x| f64::from(x)).collect(),
        NpyData::U32(v) if ints => v.iter().map(|&x| f64::from(x)).collect(),
        NpyData::I8(v) if ints => v.iter().map(|&x| f64::from(x)).collect(),
        NpyData::I16(v) if ints => v.iter().map(|&x| f64::from(x)).collect(),
        NpyData::I32(v) if ints => v.iter().map(|&x| f64::from(x)).collect(),
        // Exact for every id that is accepted; larger values stay out of range as floats.
        NpyData::I64(v) if ints => v.iter().map(|&x| x as f64).collect(),
        NpyData::U64(v) if ints => v.iter().map(|&x| x as f64).collect(),
        _ => return Err(bad("has the wrong dtype".into())),
    };
    let ok = |x: f64| if ints { (0.0..=u32::MAX as f64).contains(&x) } else { x.is_finite() };
    if let Some(k) = values.iter().position(|&x| !ok(x)) {
        return Err(bad(format!("holds {} at index {k}", values[k])));
    }
    Ok(values)
}

/// Reads the spikes `i` (neuron ids) and `t_ms` (times) of an `.npz` file written by seqscape or
/// by `numpy.savez` / `numpy.savez_compressed`; see the module docs for what is accepted.
pub fn read_spikes(path: &Path) -> Result<(Vec<u32>, Vec<f64>), OutputError> {
    let npz = read_npz(path)?;
    let ids = spike_column(&npz, "i", true)?;
    let times = spike_column(&npz, "t_ms", false)?;
    if ids.len() != times.len() {
        return Err(OutputError::Unsupported {
            path: path.into(),
            problem: format!("'i' holds {} ids but 't_ms' holds {} times", ids.len(), times.len()),
            fix: "save one id per spike time".into(),
        });
    }
    Ok((ids.into_iter().map(|x| x as u32).collect(), times))
}

#[cfg(test)]
#[path = "tests/npy.rs"]
mod tests;
